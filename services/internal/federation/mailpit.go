package federation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/portalhub/portalhub/services/supervise"
)

// demoMailFrom is the sender of the demo hub's mail.
const demoMailFrom = "Cổng thông tin điện tử (demo) <no-reply@portalhub.localhost>"

// startMailpit starts Mailpit as its own process on two free local ports,
// its SMTP server and its web interface, keeping its messages under
// VarDir/mailpit, and points the aggregator's SMTP settings at it. With
// Options.MailpitLater and no binary yet, it starts once the binary
// appears (startMailpitWhenBuilt).
func (f *Federation) startMailpit(ctx context.Context) error {
	smtpAddr, err := freeAddr()
	if err != nil {
		return err
	}
	webAddr, err := freeAddr()
	if err != nil {
		return err
	}
	dir := filepath.Join(f.opts.VarDir, "mailpit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	spec := supervise.Spec{Name: "mailpit", Path: f.opts.Mailpit,
		Args: []string{"--smtp", smtpAddr, "--listen", webAddr, "--database", filepath.Join(dir, "mailpit.db"),
			"--disable-version-check"},
		Listens: map[string]string{"smtp": smtpAddr, "http": webAddr}}
	f.MailpitURL = "http://" + webAddr
	f.mailEnv = []string{"SMTP_ADDR=" + smtpAddr, "SMTP_FROM=" + demoMailFrom}
	if _, err := os.Stat(f.opts.Mailpit); errors.Is(err, os.ErrNotExist) && f.opts.MailpitLater {
		f.MailpitPending = true
		go f.startMailpitWhenBuilt(ctx, spec)
		return nil
	}
	if _, err := f.start(ctx, spec, nil); err != nil {
		return fmt.Errorf("start Mailpit: %w", err)
	}
	return nil
}

// startMailpitWhenBuilt waits for the Mailpit binary (make run builds it in
// the background, installing it with a rename: it appears whole), then
// starts it on the addresses chosen for it, unless the federation stopped
// first.
func (f *Federation) startMailpitWhenBuilt(ctx context.Context, spec supervise.Spec) {
	for {
		if _, err := os.Stat(spec.Path); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
	if _, err := f.start(ctx, spec, nil); err != nil {
		f.logf("start Mailpit: %v (the hub's mail stays queued)", err)
		return
	}
	f.logf("Mailpit built and started: %s (the hub's queued mail follows)", f.MailpitURL)
}

// freeAddr returns a local address with a port free at the moment.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
