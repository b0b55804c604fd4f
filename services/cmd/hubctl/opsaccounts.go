package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"

	"github.com/portalhub/portalhub/services/opsaccounts"
)

// addOpsAccount is `hubctl ops-accounts add`: an ops account made over
// DATABASE_URL, so the first administrator can exist before anyone can log
// in to the admin API. The password is read from standard input: typed
// twice without echo on a terminal, else the first line (a pipe, a file).
func addOpsAccount(fs *flag.FlagSet) action {
	login := fs.String("login", "", "the account's login (a-z, 0-9, . _ -)")
	role := fs.String("role", "", "viewer, operator or administrator")
	name := fs.String("name", "", "display name (Họ và tên)")
	return func(ctx context.Context, s *session) error {
		r, err := opsaccounts.ParseRole(*role)
		if err != nil {
			return usageError{err}
		}
		pw, err := readSecret(s.stdin, s.stderr, true)
		if err != nil {
			return usageError{err}
		}
		st := opsaccounts.New(s.store.Pool())
		a, err := st.Create(ctx, opsaccounts.NewAccount{Login: *login, DisplayName: *name, Role: r, Password: pw}, s.actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã tạo tài khoản vận hành %s (%s) / ops account %s added as %s\n", a.Login, r.Label(), a.Login, r)
		return nil
	}
}

// readSecret reads a password: on a terminal typed without echo (twice
// when confirm, for a new one), else the first line of in.
func readSecret(in io.Reader, prompt io.Writer, confirm bool) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Mật khẩu / password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil || !confirm {
			return string(a), err
		}
		fmt.Fprint(prompt, "Nhập lại / again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("hai lần nhập mật khẩu khác nhau / the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("không có mật khẩu trên đầu vào chuẩn / no password on standard input (echo PASSWORD | hubctl ...)")
	}
	return line, nil
}

// listOpsAccounts is `hubctl ops-accounts list`, over the admin API.
func listOpsAccounts(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the accounts as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListOpsAccounts(ctx, &pb.ListOpsAccountsRequest{})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "LOGIN\tNAME\tROLE\tSTATUS\tLAST LOGIN\tCREATED")
		for _, a := range resp.GetAccounts() {
			st := "active"
			switch {
			case a.GetDisabled():
				st = "disabled"
			case a.GetLockedUntil() != nil:
				st = "locked until " + tsString(a.GetLockedUntil(), true)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", a.GetLogin(), orDash(printable(a.GetDisplayName())), a.GetRole(), st,
				tsString(a.GetLastLoginAt(), a.GetLastLoginAt() != nil), tsString(a.GetCreatedAt(), a.GetCreatedAt() != nil))
		}
		return w.Flush()
	}
}

// updateOpsAccount is `hubctl ops-accounts update`, over the admin API:
// a role, disabling or enabling, a new password read from stdin.
func updateOpsAccount(fs *flag.FlagSet) action {
	login := fs.String("login", "", "the account's login")
	role := fs.String("role", "", "a new role: viewer, operator or administrator")
	disable := fs.Bool("disable", false, "disable the account (ends its sessions)")
	enable := fs.Bool("enable", false, "enable a disabled account")
	newPassword := fs.Bool("password", false, "set a new password, read from standard input (ends its sessions, lifts a lockout)")
	asJSON := fs.Bool("json", false, "write the account as JSON")
	return func(ctx context.Context, s *session) error {
		if *disable && *enable {
			return usageError{errors.New("--disable hoặc --enable, không cả hai / --disable or --enable, not both")}
		}
		req := &pb.UpdateOpsAccountRequest{Login: *login, Role: *role}
		if *disable || *enable {
			req.Disabled = disable
		}
		if *newPassword {
			pw, err := readSecret(s.stdin, s.stderr, true)
			if err != nil {
				return usageError{err}
			}
			req.Password = pw
		}
		if req.Role == "" && req.Disabled == nil && req.Password == "" {
			return usageError{errors.New("không có gì để đổi: --role, --disable, --enable hoặc --password / nothing to change: --role, --disable, --enable or --password")}
		}
		resp, err := s.ops.UpdateOpsAccount(ctx, req)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp.GetAccount())
		}
		a := resp.GetAccount()
		fmt.Fprintf(s.stdout, "Đã cập nhật tài khoản %s: %s, disabled=%t / ops account %s updated\n", a.GetLogin(), a.GetRole(), a.GetDisabled(), a.GetLogin())
		return nil
	}
}
