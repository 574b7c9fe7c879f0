-- Pipelining for wrk: every write carries DEPTH complete GET requests, and
-- wrk waits for DEPTH responses before writing again (it counts the requests
-- in what request() returns). Used by the adapters' server benchmarks for
-- the "pipelined x10" rows; the requests are the same as wrk's default GET.
local DEPTH = 10
local batch

function init(args)
  local parts = {}
  for i = 1, DEPTH do
    parts[i] = wrk.format("GET", "/")
  end
  batch = table.concat(parts)
end

function request()
  return batch
end
