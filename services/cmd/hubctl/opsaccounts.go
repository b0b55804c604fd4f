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

// addOpsAccount is `hubctl ops-accounts add`, over the admin API (an
// administrator's call, recorded under their account). The password is
// read from standard input: typed twice without echo on a terminal, else
// the first line (a pipe, a file).
func addOpsAccount(fs *flag.FlagSet) action {
	login := fs.String("login", "", "the account's login (a-z, 0-9, . _ -)")
	role := fs.String("role", "", "viewer, operator or administrator")
	name := fs.String("name", "", "display name (Họ và tên)")
	asJSON := fs.Bool("json", false, "write the account as JSON")
	return func(ctx context.Context, s *session) error {
		r, err := opsaccounts.ParseRole(*role)
		if err != nil {
			return usageError{err}
		}
		pw, err := readSecret(s.stdin, s.stderr, true)
		if err != nil {
			return usageError{err}
		}
		resp, err := s.ops.AddOpsAccount(ctx, &pb.AddOpsAccountRequest{Login: *login, Role: string(r), DisplayName: *name, Password: pw})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp.GetAccount())
		}
		a := resp.GetAccount()
		fmt.Fprintf(s.stdout, "Đã tạo tài khoản vận hành %s (%s) / ops account %s added as %s\n", a.GetLogin(), r.Label(), a.GetLogin(), r)
		return nil
	}
}

// bootstrapOpsAccount is `hubctl ops-accounts bootstrap`: the first
// administrator, made over DATABASE_URL because nobody can log in to the
// admin API before it exists. It refuses while the hub has an enabled
// administrator (they add accounts through the API), unless --recover:
// the way back in when every administrator is gone.
func bootstrapOpsAccount(fs *flag.FlagSet) action {
	login := fs.String("login", "", "the administrator's login (a-z, 0-9, . _ -)")
	name := fs.String("name", "", "display name (Họ và tên)")
	breakGlass := fs.Bool("recover", false, "add an administrator although the hub has enabled ones (every one of them unavailable)")
	return func(ctx context.Context, s *session) error {
		st := opsaccounts.New(s.store.Pool())
		all, err := st.List(ctx)
		if err != nil {
			return err
		}
		var admins []string
		for _, a := range all {
			if a.Role == opsaccounts.Administrator && !a.Disabled {
				admins = append(admins, a.Login)
			}
		}
		if len(admins) > 0 && !*breakGlass {
			return usageError{fmt.Errorf("cổng tổng hợp đã có quản trị viên (%s): hãy đăng nhập bằng tài khoản đó và chạy hubctl ops-accounts add; "+
				"--recover chỉ dùng khi không quản trị viên nào còn đăng nhập được / the hub has administrators already (%s): log in as one "+
				"and run hubctl ops-accounts add; --recover only when none of them can log in any more",
				strings.Join(admins, ", "), strings.Join(admins, ", "))}
		}
		pw, err := readSecret(s.stdin, s.stderr, true)
		if err != nil {
			return usageError{err}
		}
		a, err := st.Create(ctx, opsaccounts.NewAccount{Login: *login, DisplayName: *name, Role: opsaccounts.Administrator, Password: pw}, s.actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã tạo quản trị viên %s; đăng nhập bằng hubctl login --login %s / administrator %s added; log in with hubctl login --login %s\n",
			a.Login, a.Login, a.Login, a.Login)
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
