package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// apiTokens runs "subportal api-tokens issue|list|revoke": the personal API
// tokens of a back-office account, as its page in the back office manages
// them, for an operator with the database's access (the first integration
// of a new sub-portal, or a token lost with its holder).
func apiTokens(args []string) error {
	if len(args) == 0 {
		return errors.New("api-tokens needs a subcommand: issue, list or revoke")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("api-tokens "+sub, flag.ContinueOnError)
	username := fs.String("username", "", "the account the token acts as")
	name := fs.String("name", "", "what the token is for, e.g. \"phần mềm quản lý văn bản\" (issue)")
	days := fs.Int("days", 90, "days the token works (issue; at most 366)")
	out := fs.String("out", "", "write the token to this file (mode 0600) instead of standard output (issue)")
	id := fs.Int64("id", 0, "the token's number, as list shows it (revoke)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *username == "" {
		return fmt.Errorf("api-tokens %s needs --username", sub)
	}
	switch sub {
	case "issue":
		if *name == "" {
			return errors.New("api-tokens issue needs --name saying what the token is for")
		}
	case "revoke":
		if *id <= 0 {
			return errors.New("api-tokens revoke needs --id (see api-tokens list)")
		}
	case "list":
	default:
		return fmt.Errorf("unknown api-tokens subcommand %q (issue, list, revoke)", sub)
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer closeDB()
	as := accounts.New(st.Pool(), lifecycle.Logger("subportal"))
	acc, err := as.ByUsername(ctx, *username)
	if errors.Is(err, accounts.ErrNotFound) {
		return fmt.Errorf("no back-office account %q in this sub-portal's database (Không có tài khoản %q): create it first, "+
			"e.g. subportal users create --username %s --name \"Họ và tên\" --roles approver --password-file FILE", *username, *username, *username)
	}
	if err != nil {
		return describe(err)
	}
	switch sub {
	case "issue":
		tok, secret, err := as.IssueAPIToken(ctx, "cli", acc.ID, *name, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return describe(err)
		}
		if *out != "" {
			if err := os.WriteFile(*out, []byte(secret+"\n"), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "token %d for %s (roles %v) written to %s; it works until %s\n",
				tok.ID, acc.Username, acc.Roles, *out, tok.ExpiresAt.In(vietnam).Format(time.DateOnly))
			return nil
		}
		fmt.Fprintf(os.Stderr, "token %d for %s (roles %v), works until %s; it is shown this once:\n",
			tok.ID, acc.Username, acc.Roles, tok.ExpiresAt.In(vietnam).Format(time.DateOnly))
		fmt.Println(secret)
		return nil
	case "revoke":
		if err := as.RevokeAPIToken(ctx, "cli", acc.ID, *id); err != nil {
			return describe(err)
		}
		fmt.Printf("token %d of %s revoked\n", *id, acc.Username)
		return nil
	default:
		toks, err := as.APITokens(ctx, acc.ID)
		if err != nil {
			return describe(err)
		}
		printAPITokens(os.Stdout, toks, time.Now())
		return nil
	}
}

// vietnam is the zone the back office shows times in (GMT+7, no summer
// time): the CLI's times read the same, whatever the server's zone is.
var vietnam = time.FixedZone("GMT+7", 7*60*60)

// printAPITokens writes api-tokens list's lines: number, name, state, end,
// last use, times in GMT+7 and saying so.
func printAPITokens(w io.Writer, toks []accounts.APIToken, now time.Time) {
	for _, t := range toks {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked " + t.RevokedAt.In(vietnam).Format(time.DateOnly)
		case !t.Active(now):
			state = "expired " + t.ExpiresAt.In(vietnam).Format(time.DateOnly)
		}
		used := "never used"
		if t.LastUsedAt != nil {
			used = "last used " + t.LastUsedAt.In(vietnam).Format("2006-01-02 15:04") + " GMT+7"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\tuntil %s\t%s\n", t.ID, t.Name, state, t.ExpiresAt.In(vietnam).Format(time.DateOnly), used)
	}
}
