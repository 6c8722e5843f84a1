"\(.greeting), \(.target)! (state in \(.dataDir))"
