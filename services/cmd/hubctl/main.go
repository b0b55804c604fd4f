// Command hubctl is the hub operators' CLI: it migrates the hub database,
// manages tenants and their credentials, and takes items down on the hub's
// authority (and lifts such takedowns). Every change is written to the
// audit log with the operator's name ($USER, or --actor).
//
//	hubctl migrate
//	hubctl tenants add --id so-gd --kind department --name-vi "Sở Giáo dục" [--name-en ...] [--name-ru ...] [--home-url ...]
//	hubctl tenants set --id so-gd [--name-vi ...] [--parent vp-ubnd] [--hosts sogd.khanhhoa.gov.vn,...] [--address-vi ...] [--phone ...] ...
//	hubctl tenants list
//	hubctl tenants set-status --id so-gd --status suspended|active|retired
//	hubctl credentials issue --tenant so-gd [--label relay] [--out FILE]
//	hubctl credentials list [--tenant so-gd]
//	hubctl credentials revoke --id 12
//	hubctl items takedown --tenant so-gd --id CONTENT_ID --reason "public reason"
//	hubctl items lift --tenant so-gd --id CONTENT_ID
//	hubctl nats keys --out DIR
//	hubctl nats stream
//	hubctl search reindex
//	hubctl search bestbet add --query "căn cước" --tenant so-gd --id CONTENT_ID [--position 0]
//	hubctl search bestbet list [--query "căn cước"]
//	hubctl search bestbet remove --query "căn cước" --tenant so-gd --id CONTENT_ID
//
// The database is the one DATABASE_URL names; the nats commands create the
// NKey seeds of the hub's NATS users and provision the content stream as
// the ops user (see nats.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/lifecycle"
)

const usage = `hubctl: quản trị cổng tổng hợp / portalhub operations

Usage:
  hubctl migrate
  hubctl tenants add --id ID --kind KIND --name-vi NAME [--name-en NAME] [--name-ru NAME] [--home-url URL] [REGISTRY]
  hubctl tenants set --id ID [--kind KIND] [--name-vi NAME] [--name-en NAME] [--name-ru NAME] [--home-url URL] [REGISTRY]
  hubctl tenants list
  hubctl tenants set-status --id ID --status active|suspended|retired
  hubctl credentials issue --tenant ID [--label LABEL] [--out FILE]
  hubctl credentials list [--tenant ID]
  hubctl credentials revoke --id N
  hubctl items takedown --tenant ID --id CONTENT_ID --reason "public reason"
  hubctl items lift --tenant ID --id CONTENT_ID
  hubctl nats keys --out DIR        (hubctl nats --help)
  hubctl nats stream
  hubctl search reindex             rebuild the search index online, with a progress bar
  hubctl search bestbet add --query Q --tenant ID --id CONTENT_ID [--position N]
  hubctl search bestbet list [--query Q]
  hubctl search bestbet remove --query Q --tenant ID --id CONTENT_ID

Every command takes --actor NAME (default $USER), recorded in the audit log.
KIND is one of province, department, commune, ward, special_zone, district, other.
REGISTRY flags (tenants set changes only those given): --parent ID, --hosts HOST[,HOST...]
(the first is primary; "" for none), --address-vi/--address-en/--address-ru, --phone, --fax,
--email, --responsible "Name, position", --licence "licence line", --established YYYY-MM-DD,
--dissolved YYYY-MM-DD.

Environment:
  DATABASE_URL   hub PostgreSQL URL (required)
`

func main() {
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run executes one command and returns the exit status: 0 done, 1 failed,
// 2 misused.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := args[0]
	rest := args[1:]
	if cmd == "tenants" || cmd == "credentials" || cmd == "items" || cmd == "nats" {
		if len(rest) == 0 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		cmd += " " + rest[0]
		rest = rest[1:]
	}

	if strings.HasPrefix(cmd, "nats ") {
		return runNATS(ctx, cmd, rest, getenv, stdout, stderr)
	}
	if cmd == "search" {
		return runSearch(ctx, rest, getenv, stdout, stderr)
	}

	fs := flag.NewFlagSet("hubctl "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	actor := fs.String("actor", getenv("USER"), "operator recorded in the audit log")
	var (
		id, kind, nameVI, nameEN, nameRU, homeURL, status string
		tenant, label, out, contentID, reason             string
		credID                                            int64
		reg                                               *registry
	)
	switch cmd {
	case "migrate", "tenants list":
	case "tenants add", "tenants set":
		fs.StringVar(&id, "id", "", "tenant id: a-z, 0-9 and -, e.g. so-gd")
		fs.StringVar(&kind, "kind", "", "province, department, commune, ward, special_zone, district or other")
		fs.StringVar(&nameVI, "name-vi", "", "name in Vietnamese (required)")
		fs.StringVar(&nameEN, "name-en", "", "name in English")
		fs.StringVar(&nameRU, "name-ru", "", "name in Russian")
		fs.StringVar(&homeURL, "home-url", "", "the sub-portal's own site")
		reg = registryFlags(fs)
	case "tenants set-status":
		fs.StringVar(&id, "id", "", "tenant id")
		fs.StringVar(&status, "status", "", "active, suspended or retired")
	case "credentials issue":
		fs.StringVar(&tenant, "tenant", "", "tenant id")
		fs.StringVar(&label, "label", "", "what the credential is for, e.g. relay-2025")
		fs.StringVar(&out, "out", "", "write the token to this file (mode 0600) instead of stdout")
	case "credentials list":
		fs.StringVar(&tenant, "tenant", "", "only this tenant's credentials")
	case "credentials revoke":
		fs.Int64Var(&credID, "id", 0, "credential id (see credentials list)")
	case "items takedown", "items lift":
		fs.StringVar(&tenant, "tenant", "", "tenant id")
		fs.StringVar(&contentID, "id", "", "content id")
		if cmd == "items takedown" {
			fs.StringVar(&reason, "reason", "", "public reason, shown on the page (required)")
		}
	default:
		fmt.Fprintf(stderr, "hubctl: lệnh không rõ / unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	missing := func(name string) int {
		fmt.Fprintf(stderr, "hubctl %s: thiếu --%s / --%s is required\n", cmd, name, name)
		return 2
	}
	switch {
	case cmd == "tenants add" && id == "":
		return missing("id")
	case cmd == "tenants add" && kind == "":
		return missing("kind")
	case cmd == "tenants add" && nameVI == "":
		return missing("name-vi")
	case cmd == "tenants set" && id == "":
		return missing("id")
	case cmd == "tenants set-status" && id == "":
		return missing("id")
	case cmd == "tenants set-status" && status == "":
		return missing("status")
	case cmd == "credentials issue" && tenant == "":
		return missing("tenant")
	case strings.HasPrefix(cmd, "items ") && tenant == "":
		return missing("tenant")
	case strings.HasPrefix(cmd, "items ") && contentID == "":
		return missing("id")
	case cmd == "items takedown" && strings.TrimSpace(reason) == "":
		return missing("reason")
	case cmd == "credentials revoke" && credID == 0:
		return missing("id")
	}
	if *actor == "" {
		fmt.Fprintln(stderr, "hubctl: không biết người thao tác: đặt $USER hoặc --actor / no operator: set $USER or --actor")
		return 2
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		fmt.Fprintln(stderr, "hubctl: chưa đặt DATABASE_URL / DATABASE_URL is not set")
		return 2
	}

	fail := func(err error) int {
		fmt.Fprintf(stderr, "hubctl %s: %s\n  (%v)\n", cmd, explain(err), err)
		return 1
	}
	if cmd == "migrate" {
		if err := hubschema.Migrate(ctx, url); err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, "Đã cập nhật cơ sở dữ liệu / hub database migrated")
		return 0
	}
	store, err := hubstore.Open(ctx, url)
	if err != nil {
		return fail(err)
	}
	defer store.Close()

	switch cmd {
	case "tenants add":
		tn := hubstore.Tenant{ID: id, Kind: kind, NameVI: nameVI, NameEN: nameEN, NameRU: nameRU, HomeURL: homeURL}
		if err := reg.apply(fs, &tn.Registry); err != nil {
			fmt.Fprintf(stderr, "hubctl %s: %v\n", cmd, err)
			return 2
		}
		if err := store.AddTenant(ctx, *actor, tn); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã thêm đơn vị / tenant added: %s\n", id)
	case "tenants set":
		tn, err := store.Tenant(ctx, id)
		if err != nil {
			return fail(err)
		}
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for name, v := range map[string]struct {
			dst *string
			val string
		}{"kind": {&tn.Kind, kind}, "name-vi": {&tn.NameVI, nameVI}, "name-en": {&tn.NameEN, nameEN},
			"name-ru": {&tn.NameRU, nameRU}, "home-url": {&tn.HomeURL, homeURL}} {
			if given[name] {
				*v.dst = v.val
			}
		}
		if err := reg.apply(fs, &tn.Registry); err != nil {
			fmt.Fprintf(stderr, "hubctl %s: %v\n", cmd, err)
			return 2
		}
		if err := store.UpdateTenant(ctx, *actor, tn); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã cập nhật đơn vị / tenant updated: %s\n", id)
	case "tenants list":
		ts, err := store.ListTenants(ctx)
		if err != nil {
			return fail(err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tSTATUS\tPARENT\tNAME_VI\tNAME_EN\tHOSTS\tHOME_URL")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, t.Status, orDash(t.ParentID), t.NameVI, t.NameEN,
				orDash(strings.Join(t.Hosts, ",")), orDash(t.HomeURL))
		}
		w.Flush()
	case "tenants set-status":
		if err := store.SetTenantStatus(ctx, *actor, id, status); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đơn vị %s: %s / tenant %s is now %s\n", id, status, id, status)
	case "credentials issue":
		if out != "" {
			// Create the file first, so a bad path fails before a token exists.
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fail(err)
			}
			credID, token, err := store.IssueCredential(ctx, *actor, tenant, label)
			if err != nil {
				f.Close()
				os.Remove(out)
				return fail(err)
			}
			_, werr := fmt.Fprintln(f, token)
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				fmt.Fprintf(stderr, "hubctl: không ghi được tệp; hãy thu hồi thông tin xác thực %d / could not write the token; revoke credential %d\n", credID, credID)
				return fail(werr)
			}
			fmt.Fprintf(stdout, "Đã cấp thông tin xác thực %d cho %s, lưu tại %s / credential %d issued for %s, token in %s\n", credID, tenant, out, credID, tenant, out)
			return 0
		}
		credID, token, err := store.IssueCredential(ctx, *actor, tenant, label)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stderr, "Thông tin xác thực %d cho %s; mã chỉ hiện một lần / credential %d for %s; the token is shown once:\n", credID, tenant, credID, tenant)
		fmt.Fprintln(stdout, token)
	case "credentials list":
		cs, err := store.ListCredentials(ctx, tenant)
		if err != nil {
			return fail(err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTENANT\tLABEL\tCREATED\tREVOKED")
		for _, c := range cs {
			revoked := "-"
			if c.Revoked != nil {
				revoked = c.Revoked.UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Tenant, c.Label, c.Created.UTC().Format("2006-01-02 15:04"), revoked)
		}
		w.Flush()
	case "credentials revoke":
		if err := store.RevokeCredential(ctx, *actor, credID); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã thu hồi thông tin xác thực %d / credential %d revoked\n", credID, credID)
	case "items takedown":
		if err := store.TakeDown(ctx, *actor, tenant, contentID, reason); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã gỡ %s/%s khỏi cổng / %s/%s taken down\n", tenant, contentID, tenant, contentID)
	case "items lift":
		if err := store.LiftTakedown(ctx, *actor, tenant, contentID); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã hiển thị lại %s/%s / takedown of %s/%s lifted\n", tenant, contentID, tenant, contentID)
	}
	return 0
}

// explain says what went wrong in both languages.
func explain(err error) string {
	switch {
	case errors.Is(err, hubstore.ErrConflict):
		return "đã tồn tại / already exists"
	case errors.Is(err, hubstore.ErrNotFound):
		return "không tìm thấy (đơn vị hoặc thông tin xác thực không tồn tại, hoặc đã bị thu hồi) / not found (no such tenant or credential, or already revoked)"
	case errors.Is(err, hubstore.ErrInvalidArgument):
		return "giá trị không hợp lệ (mã đơn vị: a-z, 0-9, -; loại và trạng thái theo danh sách) / invalid value (tenant id: a-z, 0-9, -; kind and status from the lists)"
	case errors.Is(err, hubstore.ErrUnavailable):
		return "không kết nối được cơ sở dữ liệu / cannot reach the database"
	case errors.Is(err, os.ErrExist):
		return "tệp đã tồn tại / the file already exists"
	default:
		return "thao tác thất bại / the operation failed"
	}
}
