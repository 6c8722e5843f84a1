# A small JSON API, run by Debian's `rackup` (a RubyGems binstub) with the WEBrick handler chosen by `-s`.
require 'json'

greeter = lambda do |env|
  request = Rack::Request.new(env)
  name = request.params.fetch('name', 'world')
  body = JSON.generate(
    greeting: "Hello, #{name}!",
    rack: Gem.loaded_specs.fetch('rack').version.to_s,
    ruby: RUBY_VERSION,
    server: env['SERVER_SOFTWARE']
  )
  [200, { 'Content-Type' => 'application/json' }, ["#{body}\n"]]
end

map('/greet') { run greeter }
