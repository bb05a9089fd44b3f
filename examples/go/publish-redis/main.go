// Command publish-redis publishes one event straight into Redis with the gateway's own Lua script,
// standard library only (the tiny RESP client in ../resp). No gateway is involved: every gateway
// node on that Redis delivers the event, and it is kept for resume.
//
//	go run ./publish-redis redis://127.0.0.1:6379 orders '{"id":42}' [event]
//
// Prints "published id=<id>".
//
// Environment, to match the gateway's settings (defaults shown):
//
//	SSE_REDIS_PREFIX=sse:  SSE_HISTORY_SIZE=1000  SSE_HISTORY_TTL_MS=3600000
//	PUBLISH_LUA  path of publish.lua (default: the repository's copy, relative to examples/go)
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"sse-gateway/examples/resp"
)

func main() {
	if len(os.Args) < 4 || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: publish-redis <redis url> <topic> <data> [event]")
		os.Exit(2)
	}
	script, err := os.ReadFile(env("PUBLISH_LUA", "../../publisher/src/main/resources/dev/ssegateway/publisher/publish.lua"))
	check(err)
	conn, err := resp.Dial(os.Args[1])
	check(err)
	defer conn.Close()
	event := ""
	if len(os.Args) == 5 {
		event = os.Args[4]
	}
	id, err := publish(conn, string(script), os.Args[2], os.Args[3], event)
	check(err)
	fmt.Println("published id=" + id)
}

func publish(conn *resp.Conn, script, topic, data, event string) (string, error) {
	// The braces are a Redis Cluster hash tag: history key and channel land in one slot.
	channel := env("SSE_REDIS_PREFIX", "sse:") + "{" + topic + "}"
	args := []string{"1", channel + ":h",
		channel,
		event, // "" for the default "message" event
		data,
		"",                                   // retry hint in ms, "" for none
		"0",                                  // "1" ends the topic's streams after this event
		env("SSE_HISTORY_SIZE", "1000"),      // history entries kept per topic
		env("SSE_HISTORY_TTL_MS", "3600000"), // their maximum age
		"PUBLISH",                            // "SPUBLISH" on Redis Cluster (SSE_REDIS_MODE=cluster)
	}
	// EVALSHA sends the script's hash, not its text; the first call on a fresh Redis loads it.
	sum := sha1.Sum([]byte(script))
	reply, err := conn.Do(append([]string{"EVALSHA", hex.EncodeToString(sum[:])}, args...)...)
	var redisErr resp.Error
	if errors.As(err, &redisErr) && strings.HasPrefix(string(redisErr), "NOSCRIPT") {
		reply, err = conn.Do(append([]string{"EVAL", script}, args...)...)
	}
	if err != nil {
		return "", err
	}
	return reply.(string), nil
}

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "publish-redis:", err)
		os.Exit(1)
	}
}
