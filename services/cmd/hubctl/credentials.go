package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
)

func issueCredential(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "tenant id")
	label := fs.String("label", "", "what the credential is for, e.g. relay-2025")
	out := fs.String("out", "", "write the token to this file (mode 0600) instead of stdout")
	return func(ctx context.Context, s *session) error {
		if *out == "" {
			id, token, err := s.store.IssueCredential(ctx, s.actor, *tenant, *label)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.stderr, "Thông tin xác thực %d cho %s; mã chỉ hiện một lần / credential %d for %s; the token is shown once:\n", id, *tenant, id, *tenant)
			fmt.Fprintln(s.stdout, token)
			return nil
		}
		// Create the file first, so a bad path fails before a token exists.
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		id, token, err := s.store.IssueCredential(ctx, s.actor, *tenant, *label)
		if err != nil {
			f.Close()
			os.Remove(*out)
			return err
		}
		_, werr := fmt.Fprintln(f, token)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			fmt.Fprintf(s.stderr, "hubctl: không ghi được tệp; hãy thu hồi thông tin xác thực %d / could not write the token; revoke credential %d\n", id, id)
			return werr
		}
		fmt.Fprintf(s.stdout, "Đã cấp thông tin xác thực %d cho %s, lưu tại %s / credential %d issued for %s, token in %s\n", id, *tenant, *out, id, *tenant, *out)
		return nil
	}
}

func listCredentials(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "only this tenant's credentials")
	return func(ctx context.Context, s *session) error {
		cs, err := s.store.ListCredentials(ctx, *tenant)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTENANT\tLABEL\tCREATED\tREVOKED")
		for _, c := range cs {
			revoked := "-"
			if c.Revoked != nil {
				revoked = c.Revoked.UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Tenant, c.Label, c.Created.UTC().Format("2006-01-02 15:04"), revoked)
		}
		return w.Flush()
	}
}

func revokeCredential(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "credential id (see credentials list)")
	return func(ctx context.Context, s *session) error {
		if err := s.store.RevokeCredential(ctx, s.actor, *id); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã thu hồi thông tin xác thực %d / credential %d revoked\n", *id, *id)
		return nil
	}
}
