-- wrk script for bench/run.py: every request is the next path of the file given after "--",
-- asking for SPARQL JSON, so each connection cycles through the light query mix.
local paths = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index], { ["Accept"] = "application/sparql-results+json" })
end
