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

	"golang.org/x/term"

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
