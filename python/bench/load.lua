-- wrk's script for python -m python.bench.serve: POSTs prepared request bodies in turn, each
-- thread from its own place in the list, stops a thread after its share of requests, and
-- prints one JSON line of figures. Arguments after --: PATH LISTFILE MAX_REQUESTS_PER_THREAD.
-- LISTFILE: one request a line, "BODYFILE<TAB>CONTENT_TYPE<TAB>HEADER_LENGTH" (0: no
-- Inference-Header-Content-Length header).
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

init = function(args)
  path = args[1]
  limit = tonumber(args[3])
  requests_list = {}
  for line in io.lines(args[2]) do
    local file, ctype, hlen = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
    local f = assert(io.open(file, "rb"))
    local body = f:read("*all")
    f:close()
    local headers = { ["Content-Type"] = ctype }
    if tonumber(hlen) > 0 then headers["Inference-Header-Content-Length"] = hlen end
    table.insert(requests_list, wrk.format("POST", path, headers, body))
  end
  at = (id * 7919) % #requests_list
  sent, answered, bad = 0, 0, 0
end

request = function()
  at = at % #requests_list + 1
  sent = sent + 1
  return requests_list[at]
end

response = function(status, headers, body)
  answered = answered + 1
  if status ~= 200 then bad = bad + 1 end
  if answered >= limit then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do bad_total = bad_total + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "non_200": %d, "socket_errors": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, bad_total, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
