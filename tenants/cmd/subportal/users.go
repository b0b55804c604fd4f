package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// cookiePrefix names a sub-portal's cookies: back offices on one host
// differ only by port, and cookies ignore ports.
func cookiePrefix(tenant string) string {
	var b strings.Builder
	b.WriteString("ph_")
	for _, r := range tenant {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// users runs "subportal users bootstrap|create|demo".
func users(args []string) error {
	if len(args) == 0 {
		return errors.New("users needs a subcommand: bootstrap, create or demo")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	username := fs.String("username", "", "login name (a-z, 0-9, . _ -; 3-64 characters)")
	name := fs.String("name", "", "display name, e.g. \"Nguyễn Văn An\"")
	pwFile := fs.String("password-file", "", "file holding the password (its first line)")
	roles := fs.String("roles", "", "comma-separated roles: author, editor, approver, admin")
	ifMissing := fs.Bool("if-missing", false, "create: succeed without change when the username exists (scripts that run at every start)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	// Every flag is checked before the database is opened (and migrated).
	var rs []accounts.Role
	switch sub {
	case "bootstrap":
		if *roles != "" {
			return errors.New("users bootstrap creates an administrator; leave --roles out (use users create for other roles)")
		}
	case "create":
		var err error
		if rs, err = parseRoles(*roles); err != nil {
			return err
		}
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	open := func() (*accounts.Store, func(), error) {
		st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
		if err != nil {
			return nil, nil, err
		}
		return accounts.New(st.Pool(), lifecycle.Logger("subportal")), closeDB, nil
	}
	switch sub {
	case "bootstrap", "create":
		if *username == "" || strings.TrimSpace(*name) == "" || *pwFile == "" {
			return fmt.Errorf("users %s needs --username, --name and --password-file", sub)
		}
		pw, err := readPassword(*pwFile)
		if err != nil {
			return err
		}
		as, closeDB, err := open()
		if err != nil {
			return err
		}
		defer closeDB()
		var acc accounts.Account
		if sub == "bootstrap" {
			acc, err = accounts.Bootstrap(ctx, as, *username, *name, pw)
		} else {
			acc, err = as.Create(ctx, "cli", accounts.NewAccount{Username: *username, DisplayName: *name, Password: pw, Roles: rs})
			if errors.Is(err, accounts.ErrUsernameTaken) && *ifMissing {
				fmt.Printf("account %s exists; left as it is\n", accounts.NormalizeUsername(*username))
				return nil
			}
		}
		if err != nil {
			return describe(err)
		}
		fmt.Printf("created account %s (%s) with roles %v\n", acc.Username, acc.DisplayName, acc.Roles)
		return nil
	case "demo":
		pw := os.Getenv("SUBPORTAL_DEMO_PASSWORD")
		if pw == "" {
			return errors.New("users demo needs SUBPORTAL_DEMO_PASSWORD (at least 12 characters)")
		}
		as, closeDB, err := open()
		if err != nil {
			return err
		}
		defer closeDB()
		return demoAccounts(ctx, as, os.Getenv("SUBPORTAL_TENANT"), pw)
	default:
		return fmt.Errorf("unknown users subcommand %q (bootstrap, create, demo)", sub)
	}
}

func readPassword(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	pw = strings.TrimRight(pw, "\r")
	if pw == "" {
		return "", fmt.Errorf("%s: the password is empty", file)
	}
	return pw, nil
}

func parseRoles(s string) ([]accounts.Role, error) {
	var out []accounts.Role
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !accounts.Role(r).Valid() {
			return nil, fmt.Errorf("unknown role %q (author, editor, approver, admin)", r)
		}
		out = append(out, accounts.Role(r))
	}
	if len(out) == 0 {
		return nil, errors.New("--roles needs at least one role")
	}
	return out, nil
}

// demoAccounts are the demo board: one account per role.
var demoBoard = []struct {
	username, name string
	role           accounts.Role
}{
	{"tacgia", "Phóng viên Lê Thị Hoa", accounts.RoleAuthor},
	{"bientap", "Biên tập viên Trần Văn Bình", accounts.RoleEditor},
	{"duyet", "Trưởng ban biên tập Nguyễn Thị Lan", accounts.RoleApprover},
	{"quantri", "Quản trị Phạm Minh Đức", accounts.RoleAdmin},
}

// demoAccounts creates the demo accounts that are missing and prints them
// all. Existing accounts keep their password and roles.
func demoAccounts(ctx context.Context, as *accounts.Store, tenant, pw string) error {
	existing, err := as.List(ctx)
	if err != nil {
		return err
	}
	have := map[string]accounts.Account{}
	for _, a := range existing {
		have[a.Username] = a
	}
	for _, d := range demoBoard {
		status, shown := "exists", d.name
		if a, ok := have[d.username]; ok {
			shown = a.DisplayName
		} else {
			_, err := as.Create(ctx, "demo", accounts.NewAccount{Username: d.username, DisplayName: d.name, Password: pw,
				Roles: []accounts.Role{d.role}})
			if err != nil && !errors.Is(err, accounts.ErrUsernameTaken) {
				return fmt.Errorf("demo account %s: %w", d.username, describe(err))
			}
			status = "created"
		}
		label := tenant
		if label != "" {
			label += ": "
		}
		fmt.Printf("%sdemo %-8s %-9s %s (%s)\n", label, d.role, d.username, shown, status)
	}
	return nil
}
