-- wrk script for `make bench`: the requests of each mode, each wrk thread (one
-- connection each) a different signed-in learner, and a JSON summary line at
-- the end for the benchmark runner to read. BENCH_MODE is one of:
--   get      GET the URL given to wrk
--   htmx     the same as an htmx request (HX-Request: true)
--   topic    GET /topics/<slug>/, the full page, over the roadmap's topics in turn
--   status   POST an htmx tick, over the roadmap's topics in turn
--   sitting  a learner at work, over and over: tick a topic (as status does),
--            then GET the roadmap page, the dashboard and that topic's page;
--            every answer must be a 200, any other is counted as an error
local cookies = {}
for value in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^|]+") do cookies[#cookies + 1] = value end
local csrf = os.getenv("BENCH_CSRF")
local mode = os.getenv("BENCH_MODE") or "get"
local topics = {}
for slug in string.gmatch(os.getenv("BENCH_TOPICS") or "", "[^,]+") do topics[#topics + 1] = slug end
local roadmap = os.getenv("BENCH_ROADMAP") or ""
local SITTING = {"tick", "roadmap", "dashboard", "topic"}
local threads = {}
local counter = 0
local step = 0
local fixed

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("cookie", cookies[((#threads - 1) % #cookies) + 1])
  thread:set("offset", #threads * 7)
end

-- The headers of one request: those given to wrk with -H (an explicit table
-- given to wrk.format replaces them), the learner's cookie, and any extra.
local function headers(extra)
  local all = {}
  for name, value in pairs(wrk.headers) do all[name] = value end
  if cookie then all["Cookie"] = cookie end
  for name, value in pairs(extra or {}) do all[name] = value end
  return all
end

local function get(path)
  return wrk.format("GET", path, headers())
end

-- The next topic in turn; done on one pass over the topics, not started on the next.
local function next_topic()
  counter = counter + 1
  local slug = topics[(counter % #topics) + 1]
  local status = (math.floor(counter / #topics) % 2 == 0) and "done" or "not_started"
  return slug, status
end

local function tick(slug, status)
  local extra = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-CSRFToken"] = csrf,
    ["HX-Request"] = "true",
    ["Referer"] = "http://127.0.0.1/",
  }
  return wrk.format("POST", "/roadmaps/" .. roadmap .. "/topics/" .. slug .. "/status/", headers(extra), "status=" .. status)
end

function init(args)
  counter = offset or 0
  -- Per-thread tallies of the sitting, globals that done() reads through
  -- thread:get (plain numbers: wrk crashes copying tables between threads).
  for _, kind in ipairs(SITTING) do
    _G["answered_" .. kind] = 0
    _G["not_200_" .. kind] = 0
  end
  -- The same request every time: formatted once, so wrk spends no time on it.
  if mode == "get" then fixed = get(nil) end
  if mode == "htmx" then fixed = wrk.format("GET", nil, headers({["HX-Request"] = "true"})) end
end

local slug
request = function()
  if fixed then return fixed end
  if mode == "topic" then
    return get("/topics/" .. next_topic() .. "/")
  end
  if mode == "status" then
    return tick(next_topic())
  end
  -- sitting
  local kind = SITTING[(step % #SITTING) + 1]
  step = step + 1
  asked = kind
  if kind == "tick" then
    local status
    slug, status = next_topic()
    return tick(slug, status)
  elseif kind == "roadmap" then
    return get("/roadmaps/" .. roadmap .. "/")
  elseif kind == "dashboard" then
    return get("/dashboard/")
  end
  return get("/topics/" .. slug .. "/")
end

-- Only the sitting reads its answers. Each thread has one connection and
-- sends a request only once the last one is answered, so an answer is to the
-- request made last. (Counting requests would not do: wrk makes one request
-- on the first thread to check the script, and never sends it.)
if mode == "sitting" then
  response = function(status, headers, body)
    _G["answered_" .. asked] = _G["answered_" .. asked] + 1
    if status ~= 200 then _G["not_200_" .. asked] = _G["not_200_" .. asked] + 1 end
  end
end

done = function(summary, latency, requests)
  local wrong = 0
  local by_kind = {}
  if mode == "sitting" then
    for _, kind in ipairs(SITTING) do
      local count, bad = 0, 0
      for _, thread in ipairs(threads) do
        count = count + thread:get("answered_" .. kind)
        bad = bad + thread:get("not_200_" .. kind)
      end
      wrong = wrong + bad
      by_kind[#by_kind + 1] = string.format('"%s": {"requests": %d, "not_200": %d}', kind, count, bad)
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status + wrong
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, "not_200": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f%s}\n',
    summary.requests, summary.duration, errors, summary.errors.status, wrong,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, #by_kind > 0 and (', "by_kind": {' .. table.concat(by_kind, ", ") .. "}") or ""))
end
