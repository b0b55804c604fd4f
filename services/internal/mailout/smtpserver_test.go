package mailout

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// smtpServer is a tiny SMTP server for the tests: it speaks just enough
// ESMTP for net/smtp (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT),
// keeps what it received, and can refuse recipients with 550.
type smtpServer struct {
	addr string
	tls  *tls.Config // offer STARTTLS when set
	user string      // require AUTH PLAIN with user and pass when set
	pass string
	// refuse is refused at RCPT with 550 when it is the recipient.
	refuse string

	mu       sync.Mutex
	ln       net.Listener
	received []received
}

// received is one accepted message.
type received struct {
	From, To string
	Data     string
	TLS      bool
	AuthUser string
}

// newSMTPServer returns a server for a free local port, not yet listening.
func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String()}
	ln.Close()
	t.Cleanup(s.stop)
	return s
}

// start listens on the server's address and serves until stop.
func (s *smtpServer) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
}

func (s *smtpServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
}

// messages returns what the server accepted so far.
func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer func() { c.Close() }()
	tp := textproto.NewConn(c)
	var cur received
	reply := func(line string) { tp.PrintfLine("%s", line) }
	reply("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-test", "250-8BITMIME"}
			if s.tls != nil && !cur.TLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 SIZE 10485760")
			for _, l := range ext {
				reply(l)
			}
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			c = tc
			tp = textproto.NewConn(tc)
			cur = received{TLS: true}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if mech != "PLAIN" || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply("535 authentication failed")
				continue
			}
			cur.AuthUser = parts[1]
			reply("235 ok")
		case "MAIL":
			if s.user != "" && cur.AuthUser == "" {
				reply("530 authentication required")
				continue
			}
			cur.From = addrArg(arg)
			reply("250 ok")
		case "RCPT":
			to := addrArg(arg)
			if to == s.refuse {
				// As Postfix words it: real servers name the address.
				reply("550 5.1.1 <" + to + ">: Recipient address rejected: User unknown")
				continue
			}
			cur.To = to
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = string(data)
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = received{TLS: cur.TLS, AuthUser: cur.AuthUser}
			reply("250 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// addrArg returns the address of "FROM:<a@b> ..." or "TO:<a@b>".
func addrArg(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
