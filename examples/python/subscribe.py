"""Subscribe to sse-gateway with the Python standard library only, and resume with Last-Event-ID.

    python3 subscribe.py 'http://localhost:8080/events?topic=orders'

Environment (all optional):
    SSE_TOKEN      a JWT, sent as "Authorization: Bearer" (needed unless the topic is public)
    LAST_EVENT_ID  resume from this id on the first connect (e.g. one you saved)
    MAX_EVENTS     exit after this many events (the test uses it)

Prints "open last-event-id=<id|->", "event id=<id> name=<name> data=<data>",
"end reconnecting in <ms> ms", "stop <why>".

What EventSource does for a browser, this loop does itself: it keeps the last event's id and sends
it as Last-Event-ID when it reconnects (the gateway replays what was missed, on any node, exactly
once), waits the server's retry: hint first, and stops on 204 (the topic finished with a
"close": true event) and on 401/403 (a new token is needed, retrying will not help).
"""
import http.client
import os
import sys
import time
import urllib.error
import urllib.request

# A dead connection shows up as silence: the gateway sends a comment every 15 s (SSE_HEARTBEAT_MS).
IDLE_TIMEOUT_S = 45


def subscribe(url, token=None, last_event_id="", max_events=None):
    retry_ms = 3000
    received = 0
    while True:
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                        timeout=IDLE_TIMEOUT_S) as resp:
                if resp.status == 204:
                    return "topic finished (204)"
                print("open last-event-id=" + (last_event_id or "-"), flush=True)
                data, name, event_id = [], "", None
                # The event-stream format: "field: value" lines, a blank line ends an event,
                # ":" starts a comment. readline() keeps the line ending; strip it.
                for raw in resp:
                    line = raw.decode("utf-8").rstrip("\r\n")
                    if line == "":
                        # Dispatch. Blocks without data (the gateway's opening id-only block, for
                        # one) only move the id: they are not events.
                        if event_id is not None:
                            last_event_id = event_id
                        if data:
                            print(f"event id={last_event_id} name={name or 'message'} data={chr(10).join(data)}",
                                  flush=True)
                            received += 1
                            if max_events and received >= max_events:
                                return "max events reached"
                        data, name, event_id = [], "", None
                        continue
                    if line.startswith(":"):
                        continue  # comment: heartbeat or ":ok"
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "data":
                        data.append(value)
                    elif field == "event":
                        name = value
                    elif field == "id" and "\0" not in value:
                        event_id = value
                    elif field == "retry" and value.isdigit():
                        retry_ms = int(value)
                # The server ended the stream (a "close": true event, a drain): resume below.
        except urllib.error.HTTPError as e:
            if e.code in (401, 403):
                return f"refused {e.code} {e.read().decode()}"
            # 503 (broker down, node full), 429...: try again later
        except (OSError, http.client.HTTPException):
            pass  # connection refused or reset (mid-chunk: IncompleteRead), idle timeout
        print(f"end reconnecting in {retry_ms} ms", flush=True)
        time.sleep(retry_ms / 1000)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 subscribe.py '<gateway>/events?topic=...'")
    max_events = int(os.environ["MAX_EVENTS"]) if "MAX_EVENTS" in os.environ else None
    why = subscribe(sys.argv[1], os.environ.get("SSE_TOKEN"), os.environ.get("LAST_EVENT_ID", ""), max_events)
    print("stop " + why, flush=True)
