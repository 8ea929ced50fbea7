-- wrk script: optional POST body, cookies and CSRF header from the environment,
-- and a JSON summary line at the end for the benchmark runner to read.
local cookies = {}
for value in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^|]+") do cookies[#cookies + 1] = value end
local csrf = os.getenv("BENCH_CSRF")
local mode = os.getenv("BENCH_MODE") or "get"
local topics = {}
for slug in string.gmatch(os.getenv("BENCH_TOPICS") or "", "[^,]+") do topics[#topics + 1] = slug end
local roadmap = os.getenv("BENCH_ROADMAP") or ""
local counter = 0
local threads = 0

-- Each wrk thread (one connection each) is a different signed-in learner.
function setup(thread)
  threads = threads + 1
  thread:set("cookie", cookies[((threads - 1) % #cookies) + 1])
  thread:set("offset", threads * 7)
end

function init(args)
  counter = offset or 0
end

request = function()
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if mode == "status" then
    counter = counter + 1
    local slug = topics[(counter % #topics) + 1]
    -- Alternate done / not started on each full pass over the topics.
    local status = (math.floor(counter / #topics) % 2 == 0) and "done" or "not_started"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = csrf
    headers["HX-Request"] = "true"
    headers["Referer"] = "http://127.0.0.1/"
    return wrk.format("POST", "/roadmaps/" .. roadmap .. "/topics/" .. slug .. "/status/", headers, "status=" .. status)
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
