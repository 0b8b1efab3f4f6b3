/**
 * Lua scripts run atomically inside Redis. CLAIM mirrors claim-rules.ts `decideClaim`; SETTLE mirrors record.ts
 * `applySettle`. Timestamps come from the caller's clock (ARGV) so the stores agree and tests need not sleep.
 */

/**
 * KEYS[1] failure key. ARGV: now_ms, now_iso, lease_ms, key_ttl_s, max_attempts, test_id, resource_arn, take_over
 * (1: an unexpired in_progress lease does not hold the key; its worker is known to be gone).
 * Returns {1, attempts} when claimed, or {0, status, reason}.
 */
export const CLAIM_SCRIPT = `
local now = tonumber(ARGV[1])
local attempts = 0
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, rec = pcall(cjson.decode, raw)
  if ok and type(rec) == 'table' then
    local status = rec.status
    local prev = tonumber(rec.attempts) or 0
    if status == 'completed' then
      return {0, 'completed', 'completed'}
    elseif status == 'in_progress' then
      if (tonumber(rec.lease_until) or 0) > now and ARGV[8] ~= '1' then
        return {0, 'in_progress', 'in_progress'}
      end
      attempts = prev
    elseif status == 'failed' then
      if rec.retryable ~= true then return {0, 'failed', 'failed_permanently'} end
      if prev >= tonumber(ARGV[5]) then return {0, 'failed', 'attempts_exhausted'} end
      attempts = prev
    elseif status == 'pending' then
      attempts = prev
    end
    -- resolved: a new regression, counted afresh (attempts stays 0)
  end
end
attempts = attempts + 1
local rec = {
  status = 'in_progress', test_id = ARGV[6], resource_arn = ARGV[7],
  claimed_at = ARGV[2], updated_at = ARGV[2], attempts = attempts,
  lease_until = now + tonumber(ARGV[3]),
}
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[4])
return {1, attempts}
`;

/**
 * KEYS[1] failure key. ARGV: set (JSON object), drop (JSON array of field names), defaults (JSON object used when
 * the record is absent or unreadable), ttl_s. Returns 1.
 */
export const SETTLE_SCRIPT = `
local rec = nil
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then rec = decoded end
end
if rec == nil then rec = cjson.decode(ARGV[3]) end
for _, field in ipairs(cjson.decode(ARGV[2])) do rec[field] = nil end
for field, value in pairs(cjson.decode(ARGV[1])) do rec[field] = value end
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[4])
return 1
`;
