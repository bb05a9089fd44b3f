// Package resp is a minimal Redis client (RESP2 over TCP): enough to run a script, standard
// library only. Commands go out as arrays of bulk strings; replies come back as string, int64,
// []any or nil, and an error reply as an Error. One command at a time, no reconnects.
package resp

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Error is an error reply from Redis, such as "NOSCRIPT No matching script".
type Error string

func (e Error) Error() string { return string(e) }

type Conn struct {
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to redis://[[user]:password@]host:port and sends AUTH when a password is given.
func Dial(rawURL string) (*Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	nc, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &Conn{conn: nc, r: bufio.NewReader(nc)}
	if pw, ok := u.User.Password(); ok {
		args := []string{"AUTH", pw}
		if u.User.Username() != "" {
			args = []string{"AUTH", u.User.Username(), pw}
		}
		if _, err := c.Do(args...); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return c, nil
}

// Do sends one command and reads its reply.
func (c *Conn) Do(args ...string) (any, error) {
	buf := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		buf = append(buf, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
	}
	c.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.conn.Write(buf); err != nil {
		return nil, err
	}
	return c.reply()
}

func (c *Conn) reply() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	kind, rest := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return rest, nil
	case '-':
		return nil, Error(rest)
	case ':':
		return strconv.ParseInt(rest, 10, 64)
	case '$', '*':
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return nil, err // -1: a nil bulk string or array
		}
		if kind == '$' {
			b := make([]byte, n+2)
			_, err := io.ReadFull(c.r, b)
			return string(b[:n]), err
		}
		items := make([]any, n)
		for i := range items {
			if items[i], err = c.reply(); err != nil {
				return nil, err
			}
		}
		return items, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}

func (c *Conn) Close() error { return c.conn.Close() }
