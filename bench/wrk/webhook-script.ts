/**
 * The Lua script wrk runs: one new failure per request, and a machine-readable summary at the end.
 * Kept as a string so `dist/` carries it (tsc copies no .lua); bench/wrk.ts writes it next to the body pool.
 *
 * - setup(thread) runs in wrk's main Lua state once per thread and numbers the threads.
 * - init(args) runs in each thread's own state: it reads the pool (`prefix TAB suffix` per line, from
 *   bodies.ts, so wrk posts the same failures autocannon does) and builds the thread's id prefix.
 * - request() joins prefix, `<tag>-w<thread>-<n>` and suffix: every request is a new test_id, so dedup never
 *   turns a run into cheap duplicate answers. Defining request() makes wrk call it per request (no pipelining).
 * - No response() hook: it makes wrk parse every header and body into Lua, and it is not needed, since
 *   summary.errors.status counts answers with status > 399 and the server never redirects.
 * - done() prints one `WRK_RESULT {json}` line, including wrk's own CPU ticks from /proc/self/stat (every
 *   thread's time, joined threads included), so the report can say what the generator cost.
 */
export const WEBHOOK_LUA = String.raw`
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("bench_thread", threads)
end

local prefixes, suffixes, size, n, idPrefix = {}, {}, 0, 0, ""
function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local tab = line:find("\t", 1, true)
    size = size + 1
    prefixes[size] = line:sub(1, tab - 1)
    suffixes[size] = line:sub(tab + 1)
  end
  file:close()
  assert(size > 0, "empty body pool")
  idPrefix = args[2] .. "-w" .. bench_thread .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local i = n % size + 1
  n = n + 1
  return wrk.format(nil, nil, nil, prefixes[i] .. idPrefix .. string.format("%x", n) .. suffixes[i])
end

local function cpuTicks()
  local file = io.open("/proc/self/stat", "r")
  if file == nil then return -1 end
  local text = file:read("*a")
  file:close()
  -- Fields after the command name, which is in parentheses and may contain spaces: utime, stime are 12th, 13th.
  local rest = text:sub(text:match(".*()%)") + 2)
  local fields = {}
  for field in rest:gmatch("%S+") do fields[#fields + 1] = tonumber(field) end
  return fields[12] + fields[13]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us":%.0f,"requests":%.0f,"bytes":%.0f,' ..
      '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..
      '"latency_us":{"mean":%.1f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f},"cpu_ticks":%.0f}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    cpuTicks()))
end
`;
