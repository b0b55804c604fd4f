// Command devstack runs the whole federation on one machine: `make run`.
//
// It starts (or reuses) a private PostgreSQL cluster under ./var/pg unless
// DATABASE_URL is set, a NATS server with JetStream as its own process under
// ./var/nats unless NATS_URL is set (its users' NKey seeds under
// ./var/nats/keys, mode 0600), the aggregator, the gateway and the demo
// sub-portals, each as its own process, and Mailpit (bin/tools/mailpit,
// pinned and built by the Makefile in the background while the federation
// starts, and started once there) as the aggregator's SMTP server. It registers the demo tenants with
// the hub, keeps their credentials under ./var/credentials (mode 0600), seeds
// their demo content, prints the URLs to open, and stops everything cleanly
// on Ctrl-C. Data is kept for the next run.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/lifecycle"
)

func main() {
	var opts federation.Options
	var catalogue string
	set := config.New("devstack", "runs the portalhub federation on this machine (make run)")
	set.String(&opts.VarDir, "PORTALHUB_VAR", "var", "folder for all local data: PostgreSQL, NATS, TLS, credentials")
	set.String(&opts.BinDir, "PORTALHUB_BIN", "", "folder holding the built binaries (default: this binary's folder)")
	set.Secret(&opts.DatabaseURL, "DATABASE_URL", "", "use this PostgreSQL server instead of a private cluster (databases are created in it)")
	set.Secret(&opts.NATSURL, "NATS_URL", "", "use this NATS server (with JetStream and the hub's users) instead of starting one")
	set.String(&opts.NATSKeys, "NATS_KEYS", "", "with NATS_URL: the folder of its users' NKey seeds (aggregator.nk, gateway.nk, ops.nk; hubctl nats keys)")
	set.String(&opts.GatewayAddr, "GATEWAY_ADDR", ":8080", "address of the public portal")
	set.String(&opts.HubAddr, "AGGREGATOR_GRPC_ADDR", "127.0.0.1:9443", "address of the aggregator's gRPC IngestService")
	set.String(&opts.HubOpsAddr, "AGGREGATOR_HTTP_ADDR", "127.0.0.1:9444", "address of the aggregator's health and metrics endpoints")
	set.Bool(&opts.Restart, "DEVSTACK_RESTART", true, "restart a child that dies, with backoff, on the addresses it had (as systemd's Restart=always); false: stop everything when one dies")
	set.String(&opts.HubAdminAddr, "AGGREGATOR_OPS_ADDR", "127.0.0.1:9445", "address of the aggregator's admin API (OpsService), which hubctl login and the tenant, credential, compliance and audit commands use")
	set.String(&opts.ConsoleAddr, "AGGREGATOR_CONSOLE_ADDR", "127.0.0.1:9446", "address of the ops console")
	set.String(&opts.Mailpit, "DEVSTACK_MAILPIT", "", "the Mailpit binary that receives the hub's mail (default: tools/mailpit beside this binary, which make run builds in the background and which starts once it is there; \"off\": none, mail stays queued)")
	set.Bool(&opts.Cluster, "DEVSTACK_CLUSTER", false, "run the clustered topology (make cluster): three NATS nodes, a PostgreSQL primary and streaming replica, two aggregators and two gateways behind nginx")
	set.String(&catalogue, "DEVSTACK_CATALOGUE", "tenants/demo/tenants.json", "the demo tenants to run")
	set.MustParse(os.Args[1:])

	if err := run(opts, catalogue, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "\ndevstack: %v\n", err)
		os.Exit(1)
	}
}

func run(opts federation.Options, catalogue string, out io.Writer) error {
	if opts.BinDir == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		opts.BinDir = filepath.Dir(exe)
	}
	switch opts.Mailpit {
	case "off":
		opts.Mailpit = ""
	case "":
		// make run builds Mailpit in the background while the federation
		// starts: until it is there, the hub's mail waits in its queue.
		opts.Mailpit, opts.MailpitLater = filepath.Join(opts.BinDir, "tools", "mailpit"), true
		if !fileExists(opts.Mailpit) {
			fmt.Fprintf(out, "devstack: Mailpit is not built yet (make run builds it in the background: var/mailpit-build.log; make mailpit): it starts once %s is there, and the hub's mail waits in its queue until then\n", opts.Mailpit)
		}
	}
	var err error
	if opts.VarDir, err = filepath.Abs(opts.VarDir); err != nil {
		return err
	}
	b, err := os.ReadFile(catalogue)
	if err != nil {
		return fmt.Errorf("read the demo catalogue: %w (run make run from the repository root)", err)
	}
	if err := json.Unmarshal(b, &opts.Tenants); err != nil {
		return fmt.Errorf("demo catalogue %s: %w", catalogue, err)
	}
	opts.SeedDemo = true
	opts.Output = out
	// Continuous archiving, as in production, so hubctl backup works here:
	// into var/pg/wal (or the cluster's folder under /var/tmp, see pgcluster).
	opts.WALArchive = "wal"
	// Server reflection lets grpcurl list and describe the hub's services
	// without a credential: right for a developer's machine only.
	opts.Env = []string{"PORTALHUB_LOG=console", "AGGREGATOR_GRPC_REFLECTION=true"}
	// The deployment's Article 11 rules, so the aggregator raises compliance
	// alerts as in production.
	if rules, err := filepath.Abs("deploy/rules/khanhhoa.toml"); err == nil {
		if _, err := os.Stat(rules); err == nil {
			opts.Env = append(opts.Env, "HUB_COMPLIANCE_RULES="+rules)
		}
	}

	ctx, stop := lifecycle.SignalContext()
	defer stop()
	f, err := federation.Start(ctx, opts)
	if err != nil {
		return err
	}
	printURLs(out, f, opts)
	if f.Topology != nil {
		f.Topology.Describe(out)
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(out, "\nstopping...")
		f.Stop()
		return nil
	case p := <-f.Exited(): // only with DEVSTACK_RESTART=false
		f.Stop()
		return fmt.Errorf("%s exited unexpectedly (%v); stopped everything (DEVSTACK_RESTART=true restarts it instead)", p.Spec.Name, p.Err())
	}
}

func printURLs(w io.Writer, f *federation.Federation, opts federation.Options) {
	fmt.Fprintf(w, "\nportalhub is running. Open:\n\n")
	fmt.Fprintf(w, "  Provincial portal      %s/vi/   (English %s/en/, Русский %s/ru/)\n", f.Gateway, f.Gateway, f.Gateway)
	for _, t := range opts.Tenants {
		sp := f.SubPortals[t.ID]
		fmt.Fprintf(w, "  %-22s %s\n", t.NameVI, siteURL(f.Gateway, t, "vi"))
		fmt.Fprintf(w, "  %-22s back office %s/   (API token of account %s in var/credentials/%s.api-token)\n", "", sp.URL, federation.APIAccount, t.ID)
	}
	fmt.Fprintf(w, "\n  Back-office demo accounts, on every sub-portal, password %s:\n", f.DemoPassword)
	fmt.Fprintf(w, "    tacgia (author)   bientap (editor)   duyet (approver)   quantri (administrator)\n")
	fmt.Fprintf(w, "\n  Ops console            %s/   (log in as vanhanh (operator), xem (viewer) or quantri (administrator), password %s)\n",
		f.Console, f.DemoPassword)
	fmt.Fprintf(w, "  hubctl (admin API)     export HUBCTL_ADDR=%s HUBCTL_CA=%s\n", f.HubAdminAddr, f.CAFile)
	fmt.Fprintf(w, "                         bin/hubctl login --login quantri   (password %s), then bin/hubctl tenants list\n", f.DemoPassword)
	fmt.Fprintf(w, "  Hub gRPC (TLS)         %s   CA %s\n", f.HubAddr, f.CAFile)
	fmt.Fprintf(w, "  Hub health, metrics    http://%s/readyz   http://%s/metrics\n", f.HubOpsAddr, f.HubOpsAddr)
	fmt.Fprintf(w, "  Gateway health, metrics %s/readyz   %s/metrics   (its ops listener, not the public port)\n", f.GatewayOps, f.GatewayOps)
	switch {
	case f.MailpitPending:
		fmt.Fprintf(w, "  Mail (Mailpit)         %s/   (every e-mail the hub sends; once Mailpit is built, var/mailpit-build.log)\n", f.MailpitURL)
	case f.MailpitURL != "":
		fmt.Fprintf(w, "  Mail (Mailpit)         %s/   (every e-mail the hub sends)\n", f.MailpitURL)
	}
	if f.NATSMonitor != "" {
		fmt.Fprintf(w, "  NATS monitoring        %s/healthz   %s/jsz\n", f.NATSMonitor, f.NATSMonitor)
	}
	fmt.Fprintf(w, "  NATS users' NKeys      %s   (aggregator.nk, gateway.nk, ops.nk; hubctl nats stream with ops.nk)\n", f.NATSKeys)
	fmt.Fprintf(w, "\nData is kept in %s. Press Ctrl-C to stop.\n\n", opts.VarDir)
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// siteURL is the address of a sub-portal's home page in lang: on its own host
// name when it has one (names under localhost reach this machine; the
// gateway's provincial paths of such a tenant answer 301 there), else its path
// on the provincial portal, /{lang}/{tenant}/.
func siteURL(gateway string, t federation.Tenant, lang string) string {
	onPortal := gateway + "/" + lang + "/" + t.ID + "/"
	if len(t.Hosts) == 0 {
		return onPortal
	}
	u, err := url.Parse(gateway)
	if err != nil {
		return onPortal
	}
	if port := u.Port(); port != "" {
		u.Host = t.Hosts[0] + ":" + port
	} else {
		u.Host = t.Hosts[0]
	}
	return u.String() + "/" + lang + "/"
}
