package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/natsauth"
)

func issueCredential(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "tenant id")
	label := fs.String("label", "", "what the credential is for, e.g. relay-2025")
	out := fs.String("out", "", "write the token to this file (mode 0600) instead of stdout")
	natsKeys := fs.String("nats-keys", "", "also make the tenant's NATS user's seed (tenant-ID.nk, mode 0600) and public key (tenant-ID.pub) in this folder, keeping a seed already there")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON (the token in it only without --out)")
	return func(ctx context.Context, s *session) error {
		var resp *pb.IssueCredentialResponse
		err := writeToken(s, *out, *asJSON, func() (int64, string, error) {
			var err error
			resp, err = s.ops.IssueCredential(ctx, &pb.IssueCredentialRequest{TenantId: *tenant, Label: *label})
			return resp.GetCredential().GetId(), resp.GetToken(), err
		})
		if err == nil && *asJSON {
			if *out != "" {
				resp.Token = ""
			}
			err = writeProto(s, resp)
		}
		if err != nil || *natsKeys == "" {
			return err
		}
		pub, err := natsauth.EnsureTenantSeed(*natsKeys, *tenant)
		if err != nil {
			return fmt.Errorf("NATS user of %s: %w", *tenant, err)
		}
		seed := natsauth.SeedFile(*natsKeys, natsauth.Tenant(*tenant))
		w := s.stdout
		if *asJSON {
			w = s.stderr // stdout holds the JSON alone
		}
		// Two ways to make the user known, as docs/OPERATIONS.md section 1
		// says: natsd on a keys folder (make run) reads it again on SIGHUP;
		// nodes on deploy/nats/cluster.conf (make cluster's natsd -config,
		// or nats-server in production) take the users.conf nats config
		// writes beside it, then a reload of each node.
		fmt.Fprintf(w, "Người dùng NATS của %s / NATS user of %s: %s; khóa bí mật / seed %s (giao cho cổng thành phần / for its sub-portal, NATS_NKEY_FILE).\n"+
			"Cho NATS biết người dùng mới / make NATS know the user: natsd với thư mục khóa này (make run) / natsd with this keys folder (make run): kill -HUP <pid của natsd / natsd's pid>; "+
			"các nút chạy deploy/nats/cluster.conf (make cluster, máy chủ NATS riêng) / nodes on deploy/nats/cluster.conf (make cluster, a NATS server of your own): "+
			"hubctl nats config --keys %s > users.conf (cạnh cluster.conf / beside cluster.conf), rồi nạp lại từng nút / then reload each node (kill -HUP <pid>, nats-server --signal reload)\n",
			*tenant, *tenant, pub, seed, *natsKeys)
		return nil
	}
}

// rotateCredential issues a successor of a live credential; the old one
// keeps working for the overlap.
func rotateCredential(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "the live credential to replace (see credentials list)")
	overlap := fs.Duration("overlap", hubstore.DefaultOverlap, "how long the old credential keeps working (0 ends it now; at most 720h)")
	label := fs.String("label", "", "the new credential's label (default: the old one's)")
	out := fs.String("out", "", "write the new token to this file (mode 0600) instead of stdout")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON (the token in it only without --out)")
	return func(ctx context.Context, s *session) error {
		var resp *pb.RotateCredentialResponse
		err := writeToken(s, *out, *asJSON, func() (int64, string, error) {
			var err error
			resp, err = s.ops.RotateCredential(ctx, &pb.RotateCredentialRequest{Id: *id, Overlap: durationpb.New(*overlap), Label: *label})
			return resp.GetCredential().GetId(), resp.GetToken(), err
		})
		if err != nil {
			return err
		}
		old := resp.GetReplaced()
		if *asJSON {
			if *out != "" {
				resp.Token = ""
			}
			return writeProto(s, resp)
		}
		fmt.Fprintf(s.stderr, "Thông tin xác thực cũ %d còn dùng được đến %s; hãy cấu hình mã mới cho cổng thành phần trước lúc đó / "+
			"the old credential %d works until %s: give the sub-portal the new token before then\n",
			old.GetId(), vnTime(old.GetExpiresAt().AsTime()), old.GetId(), old.GetExpiresAt().AsTime().UTC().Format(time.RFC3339))
		return nil
	}
}

// writeToken runs issue and writes the token it returns to out (mode 0600,
// created before the credential exists, so a bad path fails first), or to
// stdout when out is empty; quiet (--json) writes nothing on stdout, where
// the caller writes the API's answer.
func writeToken(s *session, out string, quiet bool, issue func() (int64, string, error)) error {
	if out == "" {
		id, token, err := issue()
		if err != nil || quiet {
			return err
		}
		fmt.Fprintf(s.stderr, "Thông tin xác thực %d; mã chỉ hiện một lần / credential %d; the token is shown once:\n", id, id)
		fmt.Fprintln(s.stdout, token)
		return nil
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	id, token, err := issue()
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
	if !quiet {
		fmt.Fprintf(s.stdout, "Đã cấp thông tin xác thực %d, lưu tại %s / credential %d issued, token in %s\n", id, out, id, out)
	}
	return nil
}

func listCredentials(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "only this tenant's credentials")
	asJSON := fs.Bool("json", false, "write the credentials as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListCredentials(ctx, &pb.ListCredentialsRequest{TenantId: *tenant})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTENANT\tLABEL\tLIVE\tCREATED\tLAST USED\tENDS\tREVOKED\tREPLACED BY")
		for _, c := range resp.GetCredentials() {
			live := "no"
			if c.GetLive() {
				live = "yes"
			}
			replaced := "-"
			if c.GetReplacedBy() != 0 {
				replaced = fmt.Sprint(c.GetReplacedBy())
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.GetId(), c.GetTenantId(), orDash(printable(c.GetLabel())), live,
				tsString(c.GetCreatedAt(), c.GetCreatedAt() != nil), tsString(c.GetLastUsedAt(), c.GetLastUsedAt() != nil),
				tsString(c.GetExpiresAt(), c.GetExpiresAt() != nil), tsString(c.GetRevokedAt(), c.GetRevokedAt() != nil), replaced)
		}
		return w.Flush()
	}
}

func revokeCredential(fs *flag.FlagSet) action {
	id := fs.Int64("id", 0, "credential id (see credentials list)")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.RevokeCredential(ctx, &pb.RevokeCredentialRequest{Id: *id})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Đã thu hồi thông tin xác thực %d / credential %d revoked\n", *id, *id)
		return nil
	}
}
