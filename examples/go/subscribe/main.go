// Command subscribe follows an sse-gateway stream with the standard library only, and resumes with
// Last-Event-ID.
//
//	go run ./subscribe 'http://localhost:8080/events?topic=orders'
//
// Environment (all optional):
//
//	SSE_TOKEN      a JWT, sent as "Authorization: Bearer" (needed unless the topic is public)
//	LAST_EVENT_ID  resume from this id on the first connect (e.g. one you saved)
//	MAX_EVENTS     exit after this many events (the test uses it)
//
// Prints "open last-event-id=<id|->", "event id=<id> name=<name> data=<data>",
// "end reconnecting in <ms> ms", "stop <why>".
//
// What EventSource does for a browser, this loop does itself: it keeps the last event's id and
// sends it as Last-Event-ID when it reconnects (the gateway replays what was missed, on any node,
// exactly once), waits the server's retry: hint first, and stops on 204 (the topic finished with a
// "close": true event) and on 401/403 (a new token is needed, retrying will not help).
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// A dead connection shows up as silence: the gateway sends a comment every 15 s (SSE_HEARTBEAT_MS).
const idleTimeout = 45 * time.Second

type subscriber struct {
	url, token, lastEventID string
	retry                   time.Duration
	received, maxEvents     int
	// No overall timeout (the stream is meant to last); an idle timeout on reads instead.
	client *http.Client
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: subscribe '<gateway>/events?topic=...'")
		os.Exit(2)
	}
	s := &subscriber{url: os.Args[1], token: os.Getenv("SSE_TOKEN"), lastEventID: os.Getenv("LAST_EVENT_ID"),
		retry: 3 * time.Second, client: &http.Client{Transport: &http.Transport{DialContext: idleConnDialer}}}
	s.maxEvents, _ = strconv.Atoi(os.Getenv("MAX_EVENTS"))
	for {
		stop, why := s.connectOnce()
		if stop {
			fmt.Println("stop " + why)
			return
		}
		fmt.Printf("end reconnecting in %d ms\n", s.retry.Milliseconds())
		time.Sleep(s.retry)
	}
}

// connectOnce reads one connection; it says whether to stop for good, and why.
func (s *subscriber) connectOnce() (bool, string) {
	req, err := http.NewRequest(http.MethodGet, s.url, nil)
	if err != nil {
		return true, err.Error()
	}
	req.Header.Set("Accept", "text/event-stream")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if s.lastEventID != "" {
		req.Header.Set("Last-Event-ID", s.lastEventID)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false, "" // connection refused, reset, idle timeout
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNoContent:
		return true, "topic finished (204)"
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		body, _ := io.ReadAll(resp.Body)
		return true, fmt.Sprintf("refused %d %s", resp.StatusCode, body)
	case resp.StatusCode != http.StatusOK:
		return false, "" // 503 (broker down, node full), 429...: try again later
	}
	fmt.Println("open last-event-id=" + orDash(s.lastEventID))

	// The event-stream format: "field: value" lines, a blank line ends an event, ":" a comment.
	r := bufio.NewReader(resp.Body)
	var data []string
	var name, id string
	hasID := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return false, "" // the server ended the stream (a "close": true event, a drain): resume
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			// Dispatch. Blocks without data (the gateway's opening id-only block, for one) only
			// move the id: they are not events.
			if hasID {
				s.lastEventID = id
			}
			if len(data) > 0 {
				if name == "" {
					name = "message"
				}
				fmt.Printf("event id=%s name=%s data=%s\n", s.lastEventID, name, strings.Join(data, "\n"))
				s.received++
				if s.maxEvents > 0 && s.received >= s.maxEvents {
					return true, "max events reached"
				}
			}
			data, name, id, hasID = nil, "", "", false
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // comment: heartbeat or ":ok"
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "data":
			data = append(data, value)
		case "event":
			name = value
		case "id":
			if !strings.ContainsRune(value, 0) {
				id, hasID = value, true
			}
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 {
				s.retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
}

// idleConnDialer gives every connection a read deadline that each read pushes forward.
func idleConnDialer(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &idleConn{Conn: c}, nil
}

type idleConn struct{ net.Conn }

func (c *idleConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(idleTimeout))
	return c.Conn.Read(p)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
