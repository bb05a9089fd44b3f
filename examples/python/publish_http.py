"""Publish one event over HTTP with the Python standard library.

    SSE_PUBLISH_KEY=... python3 publish_http.py http://localhost:8080 orders '{"id":42}' [event]

Prints "published id=<id>": the event's position in the topic's history, which subscribers see as
the SSE id. Each retry says so on stderr: "busy <status>, retrying in <s> s".

Retries only where the gateway says nothing was published (503 broker_unavailable, 429 rate
limit), after its Retry-After. A timeout is not retried: the first call may have published, and a
retry would publish the event twice.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request


def publish(base_url, key, topic, data, event=None, attempts=5):
    body = {"topic": topic, "data": data}
    if event:
        body["event"] = event
    request = urllib.request.Request(
        base_url.rstrip("/") + "/publish",
        data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"},
        method="POST")
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return json.load(resp)["id"]
        except urllib.error.HTTPError as e:
            # Errors are JSON too: {"error": code, "message": sentence}
            if e.code in (429, 503) and attempt < attempts:
                wait_s = e.headers.get("Retry-After", "1")
                print(f"busy {e.code}, retrying in {wait_s} s", file=sys.stderr, flush=True)
                time.sleep(float(wait_s))
                continue
            answer = json.load(e)
            raise RuntimeError(f"refused {e.code} {answer['error']}: {answer['message']}") from None


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: python3 publish_http.py <gateway url> <topic> <data> [event]")
    event_id = publish(sys.argv[1], os.environ["SSE_PUBLISH_KEY"], sys.argv[2], sys.argv[3],
                       sys.argv[4] if len(sys.argv) == 5 else None)
    print("published id=" + event_id)
