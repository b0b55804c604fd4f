// Command subportal is one tenant's sub-portal service: its own database,
// the editorial board's back office, a JSON API to approve content, and the
// relay that pushes approved changes to the hub.
//
//	subportal serve                       run the back office, the API and the relay
//	subportal seed --dir DIR | --demo ID  approve the JSON items of a folder or of a demo tenant
//	subportal publish -f item.json --author NAME --approver NAME
//	subportal import --dir DIR | --csv FILE --approver NAME   approve an old portal's items and push them over PublishBulk
//	subportal users bootstrap --username U --name N --password-file F
//	subportal users create --username U --name N --roles author,editor --password-file F
//	subportal users demo                  one demo account per role (SUBPORTAL_DEMO_PASSWORD)
//	subportal outbox retry [--reason R,...] put rows refused for a configuration error back to pending
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/tenants/demo"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/api"
	"github.com/portalhub/portalhub/tenants/internal/backoffice"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/protojson"
)

type settings struct {
	Tenant, Addr, DatabaseURL    string
	OpsAddr                      string
	HubAddr, HubCA, HubTokenFile string
	HubInsecure                  bool
	ReadyFile                    string
	Name                         string
	BoardSelfApproval            bool
	UploadLimitMiB               int
	SessionTTL                   time.Duration
	DevTemplates                 bool
	HTTP                         lifecycle.HTTPTimeouts
	HashMemoryMiB                int
	LoginClientAttempts          int
	LoginClientWindow            time.Duration
	TrustedProxies               string
	NATSURL, NATSNKeyFile        string
	NATSCAFile                   string
}

func declare(s *settings, program string) *config.Set {
	set := config.New(program, "one tenant's sub-portal: content API and push relay to the hub")
	set.String(&s.Tenant, "SUBPORTAL_TENANT", "", "tenant id of this sub-portal (sent as x-portalhub-tenant)")
	set.String(&s.Addr, "SUBPORTAL_ADDR", "127.0.0.1:8101", "HTTP listen address of the back office and the API (port 0 picks one)")
	set.String(&s.OpsAddr, "SUBPORTAL_OPS_ADDR", "127.0.0.1:0",
		"ops listener serving /healthz, /readyz and /metrics for Prometheus, never on the public port (port 0 picks one; its address is in the log and the ready file)")
	set.Secret(&s.DatabaseURL, "DATABASE_URL", "", "this sub-portal's own PostgreSQL database URL")
	set.String(&s.HubAddr, "SUBPORTAL_HUB_ADDR", "127.0.0.1:9443", "aggregator gRPC address")
	set.String(&s.HubCA, "SUBPORTAL_HUB_CA", "", "PEM file of the CA that signed the aggregator's certificate")
	set.String(&s.HubTokenFile, "SUBPORTAL_HUB_TOKEN_FILE", "", "file holding this tenant's hub credential")
	set.Bool(&s.HubInsecure, "SUBPORTAL_HUB_INSECURE", false, "talk to the hub without TLS (tests and development only)")
	set.String(&s.Name, "SUBPORTAL_NAME", "", "display name of the sub-portal in the back office (default: the tenant id)")
	set.Bool(&s.BoardSelfApproval, "SUBPORTAL_BOARD_SELF_APPROVAL", false, "let an approver approve their own work (Art. 7.5: normally another person approves)")
	set.Int(&s.UploadLimitMiB, "SUBPORTAL_UPLOAD_LIMIT_MIB", 32, "largest attachment the back office takes, in MiB (at most 32, the hub's limit)")
	set.Duration(&s.SessionTTL, "SUBPORTAL_SESSION_TTL", 0, "back-office session cookie lifetime (0: until the browser closes; the server ends sessions after 2 h idle, 12 h in all)")
	set.Bool(&s.DevTemplates, "SUBPORTAL_DEV_TEMPLATES", false, "re-parse the back office's templates on every request (development)")
	set.String(&s.ReadyFile, "PORTALHUB_READY_FILE", "", "file to write the bound addresses to, as JSON, once ready")
	set.Int(&s.HashMemoryMiB, "SUBPORTAL_PASSWORD_HASH_MEMORY_MIB", int(accounts.DefaultHashMemoryMiB),
		"memory password checks may take at once, in MiB (each argon2id check takes 64 MiB; logins beyond it wait a second, then get 429)")
	set.Int(&s.LoginClientAttempts, "SUBPORTAL_LOGIN_CLIENT_ATTEMPTS", 30, "login attempts one client address may make at once (0: no limit per client)")
	set.Duration(&s.LoginClientWindow, "SUBPORTAL_LOGIN_CLIENT_WINDOW", 10*time.Minute, "time over which a client regains all of its login attempts")
	set.Secret(&s.NATSURL, "NATS_URL", "nats://127.0.0.1:4222", "the hub's NATS server(s), whose HUB_INBOX stream holds the citizens' questions routed to this sub-portal")
	set.String(&s.NATSNKeyFile, "NATS_NKEY_FILE", "", "NKey seed of this tenant's NATS user (hubctl credentials issue --nats-keys: tenant-<id>.nk); empty: no inbox consumer")
	set.String(&s.NATSCAFile, "NATS_CA_FILE", "", "CA of NATS's TLS certificate, when it is not in the system's pool")
	set.String(&s.TrustedProxies, "SUBPORTAL_TRUSTED_PROXIES", "",
		"reverse proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client for the login limit, and whose X-Forwarded-Proto: https makes the back office send HSTS")
	lifecycle.DeclareHTTPTimeouts(set, &s.HTTP)
	return set
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(args)
	case "seed":
		err = seed(args)
	case "publish":
		err = publishOne(args)
	case "import":
		err = importItems(args)
	case "users":
		err = users(args)
	case "outbox":
		err = outbox(args)
	case "api-tokens":
		err = apiTokens(args)
	case "-h", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "subportal: unknown command %q\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "subportal: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  subportal serve                         run the content API and the push relay
  subportal seed --dir DIR                approve every *.json item (protojson ContentItem) in DIR
  subportal seed --demo TENANT            approve the demo content of TENANT
  subportal publish -f item.json --approver USERNAME [--author NAME]
                                          approve one item as the approver's back-office account
  subportal import --dir DIR | --csv FILE --approver USERNAME [--author NAME] [--category C] [--no-push]
                                          approve an old portal's items (JSON items, HTML and Markdown pages, or CSV
                                          rows: content_id, title, body_html, ...) and push them to the hub
                                          over PublishBulk, showing items/s and the time left
  subportal api-tokens issue --username U --name WHAT [--days N] [--out FILE]
  subportal api-tokens list --username U
  subportal api-tokens revoke --username U --id N
                                          personal API tokens: the API acts as the account, with its roles
  subportal users bootstrap --username U --name NAME --password-file F
                                          create the first administrator
  subportal users create --username U --name NAME --roles author,editor --password-file F
                                          create an account (roles: author, editor, approver, admin)
  subportal users demo                    create (idempotently) one demo account per role with
                                          the password in SUBPORTAL_DEMO_PASSWORD, and print them
  subportal outbox retry [--reason R,...] [--actor NAME]
                                          put rows the hub refused for a configuration error (credential,
                                          tenant id, suspended tenant), fixed since, back to pending;
                                          --reason adds other reasons (e.g. UNKNOWN_CATEGORY)
Every command reads DATABASE_URL; 'subportal serve --help' lists every variable.
`)
}

func serve(args []string) error {
	var s settings
	set := declare(&s, "subportal")
	set.MustParse(args)
	log := lifecycle.Logger("subportal").With().Str("tenant", s.Tenant).Logger()
	set.Log(log)
	if s.Tenant == "" || s.DatabaseURL == "" {
		return errors.New("SUBPORTAL_TENANT and DATABASE_URL are required")
	}
	if s.UploadLimitMiB < 1 || s.UploadLimitMiB > contentrules.MaxFileSize>>20 {
		return fmt.Errorf("SUBPORTAL_UPLOAD_LIMIT_MIB must be between 1 and %d (the hub's limit), not %d", contentrules.MaxFileSize>>20, s.UploadLimitMiB)
	}
	if s.SessionTTL < 0 {
		return fmt.Errorf("SUBPORTAL_SESSION_TTL must not be negative, not %s", s.SessionTTL)
	}
	if s.HashMemoryMiB < 1 {
		return fmt.Errorf("SUBPORTAL_PASSWORD_HASH_MEMORY_MIB must be at least 1, not %d", s.HashMemoryMiB)
	}
	if s.LoginClientAttempts > 0 && s.LoginClientWindow <= 0 {
		return fmt.Errorf("SUBPORTAL_LOGIN_CLIENT_WINDOW must be positive, not %s", s.LoginClientWindow)
	}
	proxies, err := lifecycle.ParseTrustedProxies(s.TrustedProxies)
	if err != nil {
		return fmt.Errorf("SUBPORTAL_TRUSTED_PROXIES: %w", err)
	}
	if !s.HubInsecure && s.HubCA == "" {
		return errors.New("SUBPORTAL_HUB_CA is required (SUBPORTAL_HUB_INSECURE=true only for tests)")
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()

	st, closeDB, err := openStore(ctx, s.DatabaseURL)
	if err != nil {
		return err
	}
	defer closeDB()

	if s.HubTokenFile == "" {
		return errors.New("SUBPORTAL_HUB_TOKEN_FILE is required: the file holding the credential 'hubctl credentials issue --tenant " + s.Tenant + " --out FILE' wrote")
	}
	credential, err := push.OpenCredentialFile(s.HubTokenFile, func(err error) {
		log.Error().Err(err).Msg("the changed hub credential file cannot be used; the credential read before stays")
	})
	if err != nil {
		return err
	}
	go reloadOnHangup(ctx, log, credential)
	conn, err := push.Dial(push.DialConfig{Addr: s.HubAddr, CAFile: s.HubCA, Credential: credential, Tenant: s.Tenant, Insecure: s.HubInsecure})
	if err != nil {
		return err
	}
	defer conn.Close()

	ops := lifecycle.NewOps()
	ops.AddCheck("database", st.Ping)
	hub := pb.NewIngestServiceClient(conn)
	relay := push.New(st, hub, log.With().Str("component", "relay").Logger(),
		push.Config{Registerer: ops.Registry, Endpoint: push.Endpoint{Tenant: s.Tenant, HubAddr: s.HubAddr}})
	st.OnOutbox(relay.Wake) // an approval's push leaves at its commit
	// The link to the hub: unready while an operator must fix it
	// (credential, tenant, TLS), shown in every answer.
	ops.AddCheck("hub", relay.CheckLink)
	ops.AddState("hub", func() string { return relay.Link().String() })
	relayDone := make(chan struct{})
	go func() { relay.Run(ctx); close(relayDone) }()
	categoriesDone := make(chan struct{})
	go func() {
		push.KeepCategories(ctx, hub, st, log.With().Str("component", "categories").Logger(), 0, pgwake.DefaultBackoff)
		close(categoriesDone)
	}()

	inboxDone, err := startInbox(ctx, s, st, ops, log)
	if err != nil {
		return err
	}

	board := editorial.Board{AllowSelfApproval: s.BoardSelfApproval}
	accts := accounts.New(st.Pool(), log.With().Str("component", "accounts").Logger())
	accts.SetHashMemory(int64(s.HashMemoryMiB))
	workflow := editorial.New(st.Pool(), st, board, log.With().Str("component", "editorial").Logger())
	bo, err := backoffice.New(backoffice.Config{
		TrustedProxies: proxies,
		Store:          st,
		Accounts:       accts,
		Sessions:       &accounts.Sessions{Store: accts, CookieName: cookiePrefix(s.Tenant) + "_session", TTL: s.SessionTTL},
		Editorial:      workflow,
		Feedback:       pb.NewFeedbackServiceClient(conn),
		LoginLimiter: accounts.NewClientLimiter(accounts.ClientLimit{Attempts: s.LoginClientAttempts,
			Window: s.LoginClientWindow, TrustedProxies: proxies}),
		Board:          board,
		Name:           s.Name,
		Tenant:         s.Tenant,
		CookiePrefix:   cookiePrefix(s.Tenant),
		MaxUploadBytes: int64(s.UploadLimitMiB) << 20,
		Log:            log.With().Str("component", "backoffice").Logger(),
		Dev:            s.DevTemplates,
	})
	if err != nil {
		return err
	}
	// The public server: the back office at /, the API under /api/; the
	// metrics on the ops listener only.
	mux := http.NewServeMux()
	api.New(api.Config{Store: st, Accounts: accts, Editorial: workflow, Log: log}).Register(mux)
	opsMux := opsRoutes(mux, ops)
	bo.Register(mux)
	opsAddr, err := lifecycle.Serve(ctx, log, "ops", s.OpsAddr, opsMux, s.HTTP)
	if err != nil {
		return fmt.Errorf("listen on %s (SUBPORTAL_OPS_ADDR): %w", s.OpsAddr, err)
	}
	addr, err := lifecycle.Serve(ctx, log, "api", s.Addr, mux, s.HTTP)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	log.Info().Str("url", "http://"+addr+"/").Str("ops", opsAddr).Msg("back office ready")
	if err := lifecycle.WriteReadyFile(s.ReadyFile, map[string]string{"http": addr, "ops": opsAddr}); err != nil {
		return err
	}
	<-ctx.Done()
	log.Info().Msg("shutting down")
	<-relayDone
	<-categoriesDone
	<-inboxDone
	return nil
}

// opsRoutes puts the probes a reverse proxy or an orchestrator calls on the
// public mux (/healthz says only "alive"; /readyz says whether the database
// and the hub link are usable) and returns the ops listener's handler, which
// alone serves /metrics: the relay's and the inbox's counters and the
// runtime's are nobody's business on the back office's port.
func opsRoutes(public *http.ServeMux, ops *lifecycle.Ops) http.Handler {
	public.Handle("GET /healthz", ops.HealthzHandler())
	public.Handle("GET /readyz", ops.ReadyzHandler())
	return ops.Mux()
}

// openStore migrates the database and connects to it.
func openStore(ctx context.Context, url string) (*store.Store, func(), error) {
	if url == "" {
		return nil, nil, errors.New("DATABASE_URL is required")
	}
	if err := store.Migrate(ctx, url); err != nil {
		return nil, nil, err
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to the database: %w", err)
	}
	return store.New(pool), pool.Close, nil
}

func seed(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder of *.json items (protojson ContentItem without version)")
	demoTenant := fs.String("demo", "", "seed the demo content of this tenant")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	var items []*pb.ContentItem
	var sources []string // where each item comes from, for its refusal
	var files []demo.File
	var bad []error // every item refused, not just the first
	switch {
	case *demoTenant != "" && *dir == "":
		var err error
		if items, err = demo.Items(*demoTenant); err != nil {
			return err
		}
		for _, it := range items {
			sources = append(sources, "demo/"+*demoTenant+"/"+it.GetContentId())
		}
		if files, err = demo.Files(*demoTenant); err != nil {
			return err
		}
	case *dir != "" && *demoTenant == "":
		names, err := filepath.Glob(filepath.Join(*dir, "*.json"))
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, name := range names {
			read, err := readItem(name)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			if read.approver != "" {
				read.item.Approver = &pb.Person{Name: read.approver}
			}
			if read.author != "" && len(read.item.GetAuthors()) == 0 {
				read.item.Authors = []*pb.Person{{Name: read.author}}
			}
			items = append(items, read.item)
			sources = append(sources, name)
		}
	default:
		return errors.New("seed needs exactly one of --dir DIR and --demo TENANT")
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer closeDB()
	if *demoTenant != "" {
		if err := checkDemoTenant(ctx, st, *demoTenant, os.Getenv("SUBPORTAL_TENANT")); err != nil {
			return err
		}
	}
	log := lifecycle.Logger("subportal")
	// The files first: an item is approved only once the files it
	// attaches are stored (and a dataset's chart is checked against its CSV).
	for _, f := range files {
		if _, err := st.PutBlobAs(ctx, "seed", f.Name, f.Data); err != nil {
			bad = append(bad, fmt.Errorf("the file %s: %w", f.Name, describe(err)))
		}
	}
	var approved, unchanged int
	for i, item := range items {
		in := store.ChangeFromItem(item)
		if in.Approver.GetName() == "" {
			in.Approver = &pb.Person{Name: "Ban biên tập"}
		}
		v, changed, err := st.ApproveIfChanged(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			bad = append(bad, fmt.Errorf("%s (%s): %w", sources[i], item.GetContentId(), describeAll(err)))
			continue
		}
		if changed {
			approved++
		} else {
			unchanged++
		}
		log.Info().Str("content_id", item.GetContentId()).Uint64("version", v).Bool("changed", changed).Msg("seeded")
	}
	fmt.Printf("seeded %d items: %d approved, %d unchanged\n", approved+unchanged, approved, unchanged)
	if len(bad) > 0 {
		return fmt.Errorf("%d refused (the others are stored; fix these and seed again):\n%w", len(bad), errors.Join(bad...))
	}
	return nil
}

// approverAccount is the back-office account named by --approver, which
// must be enabled and hold the approver role (Art. 7.5).
func approverAccount(ctx context.Context, st *store.Store, username string) (accounts.Account, error) {
	acc, err := accounts.New(st.Pool(), lifecycle.Logger("subportal")).ByUsername(ctx, username)
	if err != nil {
		return acc, fmt.Errorf("--approver %s: %w", username, describe(err))
	}
	if acc.Disabled || !acc.Has(accounts.RoleApprover) {
		return acc, fmt.Errorf("--approver %s: the account is disabled or does not hold the approver role (roles %v)", acc.Username, acc.Roles)
	}
	return acc, nil
}

func publishOne(args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	file := fs.String("f", "", "the item in the API's format (docs/examples/item.json), or a protojson ContentItem, without version")
	author := fs.String("author", "", "who wrote it (required unless the file says: \"author\" or authors)")
	approver := fs.String("approver", "", "the username of the back-office account that approves it (it must hold the approver role, Art. 7.5)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("publish needs -f FILE (the item, e.g. docs/examples/item.json)")
	}
	if strings.TrimSpace(*approver) == "" {
		return errors.New("publish needs --approver USERNAME: the back-office account (approver role) that approves the item")
	}
	read, err := readItem(*file)
	if err != nil {
		return err
	}
	if read.approver != "" || read.item.GetApprover() != nil {
		return fmt.Errorf("%s names an approver: leave it out, the approver is the account given with --approver", *file)
	}
	item := read.item
	authorName := cmp.Or(strings.TrimSpace(*author), read.author)
	if authorName == "" && len(item.GetAuthors()) == 0 {
		return errors.New("publish needs the author: --author NAME, or \"author\" in the file")
	}
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer closeDB()
	acc, err := approverAccount(ctx, st, *approver)
	if err != nil {
		return err
	}
	in := store.ChangeFromItem(item)
	if len(in.Authors) == 0 {
		in.Authors = []*pb.Person{{Name: authorName}}
	}
	in.Approver = &pb.Person{Name: acc.DisplayName, Account: acc.Username}
	// The same content again (people aside) is no new version: a re-run
	// of the command, or a file published twice, approves nothing.
	v, changed, err := st.ApproveIfChanged(ctx, in)
	if err != nil {
		return describe(err)
	}
	if !changed {
		fmt.Printf("không có thay đổi: %s vẫn là phiên bản %d, không có gì để đẩy / unchanged: %s stays at version %d; nothing to push\n",
			in.ContentID, v, in.ContentID, v)
		return nil
	}
	fmt.Printf("approved %s version %d as %s; the relay of 'subportal serve' pushes it to the hub\n", in.ContentID, v, acc.Username)
	return nil
}

// noArgs refuses arguments left after the flags: flag parsing stops at the
// first one, so "publish item.json --author A" would otherwise drop every
// flag after item.json without a word.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (flags go before it, files with their flag, e.g. -f FILE)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// fileItem is an item read from a file, with the names of its author and
// approver when the file gives them (the API's format).
type fileItem struct {
	item             *pb.ContentItem
	author, approver string
}

// readItem reads an item in the API's format (POST /api/items: a
// ContentItem in protojson without version, with "author" and "approver"
// names) or as a plain ContentItem (its approver a Person object, as the
// demo content has it).
func readItem(name string) (fileItem, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return fileItem{}, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return fileItem{}, fmt.Errorf("%s: not a JSON object: %w (docs/examples/item.json is one)", name, err)
	}
	var person json.RawMessage
	if raw := bytes.TrimSpace(fields["approver"]); len(raw) > 0 && raw[0] == '{' {
		person = raw // a pb.Person
		delete(fields, "approver")
	}
	item, author, approver, err := api.ParseItem(fields)
	if err != nil {
		return fileItem{}, fmt.Errorf("%s: %w", name, describe(err))
	}
	if person != nil {
		p := &pb.Person{}
		if err := protojson.Unmarshal(person, p); err != nil {
			return fileItem{}, fmt.Errorf("%s: approver: %w", name, err)
		}
		item.Approver = p
	}
	return fileItem{item: item, author: author, approver: approver}, nil
}

// describeAll is describe with every violation of a refused item, one a
// line.
func describeAll(err error) error {
	e := errs.As(err)
	if e == nil || len(e.Violations) < 2 {
		return describe(err)
	}
	lines := make([]string, 0, len(e.Violations))
	for _, v := range e.Violations {
		lines = append(lines, fmt.Sprintf("  %s: %s [%s] (%s)", v.Field, v.Message, v.Reason, v.MessageVI))
	}
	return fmt.Errorf("%d problems:\n%s", len(lines), strings.Join(lines, "\n"))
}

// describe adds the Vietnamese explanation of a domain error.
func describe(err error) error {
	if e := errs.As(err); e != nil && e.MessageVI != "" {
		return fmt.Errorf("%w (%s)", err, e.MessageVI)
	}
	return err
}

// reloadOnHangup reads the hub credential again on each SIGHUP until ctx
// ends (it is also read again when its file changes).
func reloadOnHangup(ctx context.Context, log zerolog.Logger, credential *push.CredentialFile) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := credential.Reload(); err != nil {
				log.Error().Err(err).Msg("SIGHUP: the hub credential cannot be read; the credential read before stays")
				continue
			}
			log.Info().Msg("SIGHUP: hub credential read again")
		}
	}
}
