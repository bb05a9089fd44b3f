"""Publish one event straight into Redis with the gateway's own Lua script, standard library only
(the tiny RESP client in resp.py). No gateway is involved: every gateway node on that Redis
delivers the event, and it is kept for resume.

    python3 publish_redis.py redis://127.0.0.1:6379 orders '{"id":42}' [event]

Prints "published id=<id>".

Environment, to match the gateway's settings (defaults shown):
    SSE_REDIS_PREFIX=sse:  SSE_HISTORY_SIZE=1000  SSE_HISTORY_TTL_MS=3600000
    PUBLISH_LUA  path of publish.lua (default: the copy in this repository)
"""
import hashlib
import os
import sys
from pathlib import Path

from resp import Redis, RedisError

DEFAULT_SCRIPT = (Path(__file__).resolve().parents[2]
                  / "publisher/src/main/resources/dev/ssegateway/publisher/publish.lua")


def publish(redis, script, topic, data, event="", prefix="sse:", max_len="1000", max_age_ms="3600000"):
    # The braces are a Redis Cluster hash tag: history key and channel land in one slot.
    channel = f"{prefix}{{{topic}}}"
    args = [1, channel + ":h",
            channel,
            event,       # '' for the default "message" event
            data,
            "",          # retry hint in ms, '' for none
            "0",         # '1' ends the topic's streams after this event
            max_len,     # history entries kept per topic
            max_age_ms,  # their maximum age
            "PUBLISH"]   # 'SPUBLISH' on Redis Cluster (SSE_REDIS_MODE=cluster)
    # EVALSHA sends the script's hash, not its text; the first call on a fresh Redis loads it.
    sha = hashlib.sha1(script.encode()).hexdigest()
    try:
        return redis.call("EVALSHA", sha, *args)
    except RedisError as e:
        if not str(e).startswith("NOSCRIPT"):
            raise
        return redis.call("EVAL", script, *args)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: python3 publish_redis.py <redis url> <topic> <data> [event]")
    env = os.environ
    script = Path(env.get("PUBLISH_LUA", DEFAULT_SCRIPT)).read_text()
    redis = Redis(sys.argv[1])
    try:
        event_id = publish(redis, script, sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else "",
                           env.get("SSE_REDIS_PREFIX", "sse:"), env.get("SSE_HISTORY_SIZE", "1000"),
                           env.get("SSE_HISTORY_TTL_MS", "3600000"))
    finally:
        redis.close()
    print("published id=" + event_id)
