-- A search no cache has seen on every request: a real word (so the page has results) and a price ceiling
-- unique across this run's threads. Arguments: the first ceiling in dollars, the number of threads, words...
local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local first, threads, words, n = 0, 1, {}, 0
function init(args)
  first, threads = tonumber(args[1]), tonumber(args[2])
  for i = 3, #args do words[#words + 1] = args[i] end
end

function request()
  n = n + 1
  local ceiling = first + n * threads + thread_id
  return wrk.format("GET", "/products?q=" .. words[n % #words + 1] .. "&max_price=" .. ceiling)
end
