package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/push"
)

// outbox runs "subportal outbox retry": it puts rows the hub refused for a
// configuration error (a wrong or revoked credential, a tenant id that is
// not the credential's, a suspended tenant), fixed since, back to pending,
// so that the relay of 'subportal serve' delivers them without each item
// being approved again. --reason adds other reasons (e.g. UNKNOWN_CATEGORY
// once the hub has the category).
func outbox(args []string) error {
	if len(args) == 0 || args[0] != "retry" {
		return errors.New("outbox needs a subcommand: retry")
	}
	fs := flag.NewFlagSet("outbox retry", flag.ContinueOnError)
	extra := fs.String("reason", "", "also requeue rows refused with these reasons (comma-separated, e.g. UNKNOWN_CATEGORY)")
	actor := fs.String("actor", os.Getenv("USER"), "operator recorded in the audit log")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if strings.TrimSpace(*actor) == "" {
		return errors.New("outbox retry: no operator: set $USER or --actor")
	}
	codeNames, reasons := push.ConfigurationRefusals()
	for _, r := range strings.Split(*extra, ",") {
		if r = strings.ToUpper(strings.TrimSpace(r)); r != "" {
			reasons = append(reasons, r)
		}
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := st.RequeueRefused(ctx, strings.TrimSpace(*actor), codeNames, reasons)
	if err != nil {
		return describe(err)
	}
	fmt.Printf("%d refused row(s) back to pending (refused with %s); the relay of 'subportal serve' delivers them\n",
		n, strings.Join(append(codeNames, reasons...), ", "))
	return nil
}
