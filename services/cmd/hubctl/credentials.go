package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/portalhub/portalhub/services/natsauth"
)

func issueCredential(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "tenant id")
	label := fs.String("label", "", "what the credential is for, e.g. relay-2025")
	out := fs.String("out", "", "write the token to this file (mode 0600) instead of stdout")
	natsKeys := fs.String("nats-keys", "", "also make the tenant's NATS user's seed (tenant-ID.nk, mode 0600) and public key (tenant-ID.pub) in this folder, keeping a seed already there")
	return func(ctx context.Context, s *session) error {
		if err := issueToken(ctx, s, *tenant, *label, *out); err != nil {
			return err
		}
		if *natsKeys == "" {
			return nil
		}
		pub, err := natsauth.EnsureTenantSeed(*natsKeys, *tenant)
		if err != nil {
			return fmt.Errorf("NATS user of %s: %w", *tenant, err)
		}
		seed := natsauth.SeedFile(*natsKeys, natsauth.Tenant(*tenant))
		fmt.Fprintf(s.stdout, "Người dùng NATS của %s / NATS user of %s: %s; khóa bí mật / seed %s (giao cho cổng thành phần / for its sub-portal, NATS_NKEY_FILE); "+
			"cập nhật cấu hình NATS / update the NATS configuration: hubctl nats config --keys %s\n", *tenant, *tenant, pub, seed, *natsKeys)
		return nil
	}
}

// issueToken issues a credential to tenant and writes its token to out, or
// to stdout when out is empty.
func issueToken(ctx context.Context, s *session, tenant, label, out string) error {
	if out == "" {
		id, token, err := s.store.IssueCredential(ctx, s.actor, tenant, label)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.stderr, "Thông tin xác thực %d cho %s; mã chỉ hiện một lần / credential %d for %s; the token is shown once:\n", id, tenant, id, tenant)
		fmt.Fprintln(s.stdout, token)
		return nil
	}
	// Create the file first, so a bad path fails before a token exists.
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	id, token, err := s.store.IssueCredential(ctx, s.actor, tenant, label)
	if err != nil {
		f.Close()
		os.Remove(out)
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
	fmt.Fprintf(s.stdout, "Đã cấp thông tin xác thực %d cho %s, lưu tại %s / credential %d issued for %s, token in %s\n", id, tenant, out, id, tenant, out)
	return nil
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
