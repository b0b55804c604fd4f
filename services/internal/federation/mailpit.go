package federation

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/portalhub/portalhub/services/supervise"
)

// demoMailFrom is the sender of the demo hub's mail.
const demoMailFrom = "Cổng thông tin điện tử (demo) <no-reply@portalhub.localhost>"

// startMailpit starts Mailpit as its own process on two free local ports,
// its SMTP server and its web interface, keeping its messages under
// VarDir/mailpit, and points the aggregator's SMTP settings at it.
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
	p, err := f.start(ctx, supervise.Spec{Name: "mailpit", Path: f.opts.Mailpit,
		Args: []string{"--smtp", smtpAddr, "--listen", webAddr, "--database", filepath.Join(dir, "mailpit.db"),
			"--disable-version-check"},
		Listens: map[string]string{"smtp": smtpAddr, "http": webAddr}}, nil)
	if err != nil {
		return fmt.Errorf("start Mailpit: %w", err)
	}
	f.MailpitURL = "http://" + p.Addrs["http"]
	f.mailEnv = []string{"SMTP_ADDR=" + p.Addrs["smtp"], "SMTP_FROM=" + demoMailFrom}
	return nil
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
