package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/rs/zerolog"
)

// mailSettings are the SMTP settings of the mail relay
// (docs/OPERATIONS.md, "Mail").
type mailSettings struct {
	Addr         string
	From         string
	Username     string
	PasswordFile string
	RequireTLS   bool
	CAFile       string
	HelloName    string
	Timeout      time.Duration
	Retain       time.Duration
}

// declareMailSettings declares the SMTP_* variables.
func declareMailSettings(set *config.Set, m *mailSettings) {
	set.String(&m.Addr, "SMTP_ADDR", "", "host:port of the SMTP server mail is sent through (587 submission, or a local relay); empty: mail stays queued in mail_outbox until it is set (make run: its Mailpit)")
	set.String(&m.From, "SMTP_FROM", "", "sender of the hub's mail, \"Name <address>\" (required with SMTP_ADDR); its domain also names the Message-IDs")
	set.String(&m.Username, "SMTP_USERNAME", "", "SMTP user for AUTH PLAIN (sent only over TLS, or to localhost); empty: no authentication")
	set.String(&m.PasswordFile, "SMTP_PASSWORD_FILE", "", "file holding SMTP_USERNAME's password (one line)")
	set.Bool(&m.RequireTLS, "SMTP_REQUIRE_TLS", false, "refuse to send when the server does not offer STARTTLS (STARTTLS is used whenever offered); turn on in production")
	set.String(&m.CAFile, "SMTP_CA_FILE", "", "CA of the SMTP server's certificate, when it is not in the system's pool")
	set.String(&m.HelloName, "SMTP_HELO_NAME", "localhost", "the name the relay gives in EHLO (the host's public name in production)")
	set.Duration(&m.Retain, "MAIL_RETAIN", mailout.DefaultRetain, "how long sent and refused messages (addresses and bodies: personal data) are kept in mail_outbox before they are deleted")
	set.Duration(&m.Timeout, "SMTP_TIMEOUT", mailout.DefaultSMTPTimeout, "longest conversation with the SMTP server for one message")
}

// relayConfig turns the settings into the relay's configuration; ok is
// false when SMTP_ADDR is empty (no relay: mail stays queued).
func (m mailSettings) relayConfig() (cfg mailout.Config, ok bool, err error) {
	if m.Addr == "" {
		return cfg, false, nil
	}
	if _, _, err := net.SplitHostPort(m.Addr); err != nil {
		return cfg, false, fmt.Errorf("SMTP_ADDR %q is not host:port: %w", m.Addr, err)
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return cfg, false, fmt.Errorf("SMTP_FROM %q is not an address (\"Name <no-reply@example.gov.vn>\"): %w", m.From, err)
	}
	smtp := mailout.SMTPConfig{Addr: m.Addr, Username: m.Username, RequireTLS: m.RequireTLS, HelloName: m.HelloName, Timeout: m.Timeout}
	if m.Username != "" {
		if m.PasswordFile == "" {
			return cfg, false, errors.New("SMTP_USERNAME is set without SMTP_PASSWORD_FILE")
		}
		b, err := os.ReadFile(m.PasswordFile)
		if err != nil {
			return cfg, false, fmt.Errorf("SMTP_PASSWORD_FILE: %w", err)
		}
		smtp.Password = strings.TrimRight(string(b), "\r\n")
	}
	if m.CAFile != "" {
		pem, err := os.ReadFile(m.CAFile)
		if err != nil {
			return cfg, false, fmt.Errorf("SMTP_CA_FILE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return cfg, false, fmt.Errorf("SMTP_CA_FILE %s holds no PEM certificate", m.CAFile)
		}
		smtp.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return mailout.Config{SMTP: smtp, From: from, Retain: m.Retain}, true, nil
}

// mailRelay returns the mail relay for the settings, or nil, with a
// warning, when SMTP_ADDR is empty.
func mailRelay(m mailSettings, cfg mailout.Config, ok bool, store *hubstore.Store, ops *lifecycle.Ops, log zerolog.Logger) *mailout.Relay {
	if !ok {
		log.Warn().Msg("SMTP_ADDR is empty: mail is queued in mail_outbox and not sent")
		return nil
	}
	cfg.Pool = store.Pool()
	cfg.Log = log
	cfg.Registerer = ops.Registry
	log.Info().Str("smtp_addr", m.Addr).Str("smtp_from", cfg.From.Address).Bool("require_tls", m.RequireTLS).Msg("mail relay configured")
	return mailout.NewRelay(cfg)
}
