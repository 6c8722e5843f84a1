// Command go-server is a small HTTP service: a greeting, a health check and a SHA-256 endpoint.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"
)

type digestResponse struct {
	Input  string `json:"input"`
	SHA256 string `json:"sha256"`
}

func main() {
	addr := ":" + getenv("PORT", "8080")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("hello from go-server\n"))
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/sha256", func(w http.ResponseWriter, r *http.Request) {
		input := r.URL.Query().Get("s")
		sum := sha256.Sum256([]byte(input))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(digestResponse{Input: input, SHA256: hex.EncodeToString(sum[:])})
	})
	server := &http.Server{Addr: addr, Handler: logRequests(mux), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("go-server listening on %s", addr)
	log.Fatal(server.ListenAndServe())
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		log.Printf("%s %s %s", r.Method, r.URL.RequestURI(), time.Since(start))
	})
}

func getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
