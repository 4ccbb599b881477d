-- wrk script for POST /v1/wallets/{wallet}/cosign with one fresh wallet per request.
--   wrk -t2 -c64 -d10s --latency -s cosign.lua http://127.0.0.1:18080 -- requests.tsv 2
-- (the last argument repeats -t: wrk runs each thread's init before the next thread exists, so a thread cannot count
-- them itself). requests.tsv comes from `guardian-load requests` (path TAB token TAB body per line). Thread k of n takes lines
-- k, k+n, k+2n, …; a thread that runs out starts over, and those repeats are answered 409 (code already used) and
-- counted by wrk as non-2xx responses — size the file to the run.
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
end

function init(args)
  local thread_count = tonumber(args[2] or "1")
  requests = {}
  local line_number = 0
  for line in io.lines(args[1]) do
    if line_number % thread_count == id then
      local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
      requests[#requests + 1] = wrk.format("POST", path, {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
      }, body)
    end
    line_number = line_number + 1
  end
  next_request = 1
  ok = 0
  failed = 0
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("cosign: %d requests in %.2f s, %.0f/s; non-2xx %d; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, seconds, summary.requests / seconds, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
