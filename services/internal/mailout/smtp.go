package mailout

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"
)

// DefaultSMTPTimeout is SMTPConfig.Timeout's default.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	// Addr is the server's host:port (a submission port, 587, or a local
	// relay on 25).
	Addr string
	// Username and Password, when Username is set, authenticate with AUTH
	// PLAIN, which net/smtp sends only over TLS or to localhost.
	Username, Password string
	// RequireTLS refuses to send when the server does not offer STARTTLS.
	// Without it STARTTLS is used whenever the server offers it.
	RequireTLS bool
	// TLS is the client configuration for STARTTLS (nil: the system roots,
	// the server name of Addr).
	TLS *tls.Config
	// HelloName is the name given in EHLO (default "localhost").
	HelloName string
	// Timeout bounds one message's whole conversation (default 30s).
	Timeout time.Duration
}

// permanentError is a refusal of one message that a retry will not change:
// a 5xx reply to its recipient or to its content.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// isPermanent reports whether err is a permanent refusal of the message.
func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// permanentIf5xx marks a 5xx SMTP reply permanent.
func permanentIf5xx(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 {
		return permanentError{err}
	}
	return err
}

// send delivers one message to one recipient in a conversation of its own.
// Errors of the connection, of TLS, of authentication or of the sender are
// temporary (a retry after the operator's fix or the server's return
// succeeds); a 5xx reply to the recipient or to the data is permanent.
func (c SMTPConfig) send(ctx context.Context, from, to string, msg []byte) error {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", c.Addr, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline) //nolint:errcheck // a failed deadline shows as a failed write
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting: %w", err)
	}
	defer cl.Close()
	hello := c.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := cl.Hello(hello); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		if c.TLS != nil {
			cfg = c.TLS.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	} else if c.RequireTLS {
		return errors.New("the server does not offer STARTTLS and SMTP_REQUIRE_TLS is set")
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := cl.Mail(from); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := cl.Rcpt(to); err != nil {
		return fmt.Errorf("rcpt to: %w", permanentIf5xx(err))
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("data: %w", permanentIf5xx(err))
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", permanentIf5xx(err))
	}
	cl.Quit() //nolint:errcheck // the message is accepted; a failed QUIT changes nothing
	return nil
}
