// Command publish-http publishes one event over HTTP, standard library only.
//
//	SSE_PUBLISH_KEY=... go run ./publish-http http://localhost:8080 orders '{"id":42}' [event]
//
// Prints "published id=<id>": the event's position in the topic's history, which subscribers see
// as the SSE id. Each retry says so on stderr: "busy <status>, retrying in <s> s".
//
// Retries only where the gateway says nothing was published (503 broker_unavailable, 429 rate
// limit), after its Retry-After. A timeout is not retried: the first call may have published, and
// a retry would publish the event twice.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

type event struct {
	Topic string `json:"topic"`
	Event string `json:"event,omitempty"`
	Data  string `json:"data"`
}

// answer is {"id": ...} on success, {"error": code, "message": sentence} otherwise.
type answer struct {
	ID      string `json:"id"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func main() {
	if len(os.Args) < 4 || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: publish-http <gateway url> <topic> <data> [event]")
		os.Exit(2)
	}
	e := event{Topic: os.Args[2], Data: os.Args[3]}
	if len(os.Args) == 5 {
		e.Event = os.Args[4]
	}
	id, err := publish(strings.TrimRight(os.Args[1], "/"), os.Getenv("SSE_PUBLISH_KEY"), e)
	if err != nil {
		fmt.Fprintln(os.Stderr, "publish-http:", err)
		os.Exit(1)
	}
	fmt.Println("published id=" + id)
}

func publish(base, key string, e event) (string, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequest(http.MethodPost, base+"/publish", bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		var a answer
		err = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && err == nil {
			return a.ID, nil
		}
		if (resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests) && attempt < 5 {
			wait, convErr := strconv.Atoi(resp.Header.Get("Retry-After"))
			if convErr != nil {
				wait = 1
			}
			fmt.Fprintf(os.Stderr, "busy %d, retrying in %d s\n", resp.StatusCode, wait)
			time.Sleep(time.Duration(wait) * time.Second)
			continue
		}
		return "", fmt.Errorf("refused %d %s: %s", resp.StatusCode, a.Error, a.Message)
	}
}
