// Command hubctl is the hub operators' CLI. The commands about tenants,
// credentials, Article 11 compliance, the audit log, maintenance windows,
// statistics, featured items and advertisements talk to the aggregator's
// admin API (OpsService, AGGREGATOR_OPS_ADDR) as the ops account
// that logged in with `hubctl login`, which records them under its name;
// the commands about the database itself (migrate, ops-accounts bootstrap
// for the first administrator, backup) use DATABASE_URL
// and sign with $USER or --actor; docs/OPERATIONS.md ("hubctl and the
// database") says why each stays there.
//
//	hubctl ops-accounts bootstrap --login nguyen.van.a < password
//	hubctl login --login nguyen.van.a [--addr HOST:PORT] [--ca FILE]
//	hubctl tenants add --id so-gd --kind department --name-vi "Sở Giáo dục" [--name-en ...] [REGISTRY]
//	hubctl tenants update --id so-gd [--name-vi ...] [--hosts sogd.khanhhoa.gov.vn,...] ...
//	hubctl tenants list|show|suspend|resume
//	hubctl credentials issue|list|rotate|revoke
//	hubctl compliance report [--week 2026-W48 | --from 2026-11-01 --to 2026-11-30] [--tenant ID] [--json|--csv]
//	hubctl audit verify [--head SEQ:HASH] | audit list [...] | audit head
//	hubctl backup base --to DIR | backup restore --from DIR --into DIR [--archive WALDIR] [--to-time T]
//	hubctl items list|show, takedowns list, refusals list, coverage report, backlog, questions overdue
//	hubctl personal-data rewrap | personal-data reshred --log FILE
//
// See the usage text below for every command, flag and exit status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/dburl"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/pgmigrate"
)

const usage = `hubctl: quản trị cổng tổng hợp / portalhub operations

Usage, over the database (DATABASE_URL; signed with $USER or --actor):
  hubctl migrate
  hubctl ops-accounts bootstrap --login LOGIN [--name "Họ và tên"] [--recover]
                                    the first administrator, before anyone can log in; the password is read
                                    from standard input (typed twice, hidden, on a terminal); refused while
                                    the hub has an enabled administrator, unless --recover (none can log in)
  hubctl backup base --to DIR       a base backup (pg_basebackup) of DATABASE_URL's server, with the audit
                                    head and a digest of the content in DIR/manifest.json
  hubctl backup restore --from DIR --into DIR [--archive WALDIR] [--to-time RFC3339] [--port N]
                                    a new cluster from the backup and the WAL archive up to a time (no
                                    DATABASE_URL needed); checks the audit chain extends the backup's
                                    head; prints the recovery order
  hubctl nats keys --out DIR        (hubctl nats --help)
  hubctl nats stream

Usage, over the admin API (the aggregator's OpsService, as the ops account logged in):
  hubctl login --login LOGIN        the password is read from standard input (hidden on a terminal);
                                    keeps a one-hour token in the login file; a command run in its last
                                    15 minutes renews it for another hour, up to 12 hours after the login
  hubctl logout | whoami [--json]
  hubctl ops-accounts add --login LOGIN --role viewer|operator|administrator [--name "Họ và tên"] [--json]
                                    (administrator) the password is read from standard input, as above
  hubctl ops-accounts list [--json]                  (administrator)
  hubctl ops-accounts update --login LOGIN [--role ROLE] [--disable|--enable] [--password]
                                    --password reads the new one from standard input; disabling or a new
                                    password ends the account's sessions; not on one's own account
  hubctl tenants add --id ID --kind KIND --name-vi NAME [--name-en NAME] [--name-ru NAME] [--home-url URL] [REGISTRY] [--json]
  hubctl tenants update --id ID [--kind KIND] [--name-vi NAME] [...] [REGISTRY] [--json]   changes only the flags given
  hubctl tenants list [--json] | show --id ID [--json]
  hubctl tenants suspend --id ID    its pushes are refused (TENANT_INACTIVE) until resume
  hubctl tenants resume --id ID
  hubctl tenants rename --id ID --new-id NEW_ID [--json]            (administrator; the 2025 reform)
                                    every old URL (pages, feeds, files, API, host names) answers 301
  hubctl tenants merge --id ID --into ID [--dissolved YYYY-MM-DD] [--json]
                                    its items move to the other unit (and its sub-portal); collisions of
                                    content ids and slugs are resolved and reported; its old URLs answer 301
  hubctl tenants retire --id ID [--successor ID] [--pages banner|gone] [--dissolved YYYY-MM-DD] [--json]
                                    its pages keep a banner naming it, its years and its successor, or 410
  hubctl redirects import --file MAP.csv [--replace] [--json]
                                    old portals' URLs (old_url,tenant,content_id,category[,lang]) to items,
                                    sections or homes; docs/OPERATIONS.md "Tenant lifecycle"
  hubctl credentials issue --tenant ID [--label LABEL] [--out FILE] [--nats-keys DIR]
  hubctl credentials list [--tenant ID] [--json]     with each one's last use, end and successor
  hubctl credentials rotate --id N [--overlap 24h] [--label LABEL] [--out FILE]
                                    a new credential; the old one keeps working for the overlap (0 to 720h)
  hubctl credentials revoke --id N
  hubctl items takedown --tenant ID --id CONTENT_ID --reason "public reason"   (operator; Article 7.5)
  hubctl items lift --tenant ID --id CONTENT_ID [--reason "why"]
  hubctl items list --tenant ID [--query Q] [--state published|withdrawn|redirected|gone|down] [--kind KIND]
                    [--lacks en|ru] [--limit N] [--page TOKEN] [--json]
                                    a tenant's items by content id, with version, state and languages
  hubctl items show --tenant ID --id CONTENT_ID [--json]
                                    an item, and its versions, refusals and takedowns from the audit log
  hubctl takedowns list [--limit N] [--page TOKEN] [--json]      the items taken down, newest first
  hubctl refusals list [--tenant ID] [--reason CODE] [--limit N] [--page TOKEN] [--json]
                                    the pushes the hub refused, latest first, with reason and field
  hubctl coverage report [--query Q] [--kind KIND] [--limit N] [--page TOKEN] [--json]
                                    the Article 8 kinds and languages each active tenant has published
  hubctl backlog [--json]           the outbox (events not yet on NATS), the mail queue and each NATS
                                    consumer's undelivered and unacknowledged messages
  hubctl questions overdue [--limit N] [--json]
                                    citizens' questions past their answering deadline, oldest due first
  hubctl categories list [--json]   the category codes an item's "category" takes, and their kinds
  hubctl search reindex [--json]    rebuild the search index online, with a progress bar     (operator)
                                    the rebuild runs in the aggregator: Ctrl-C stops following it, not
                                    the rebuild; run again while it runs to follow it
  hubctl search bestbet add --query Q --tenant ID --id CONTENT_ID [--position N] [--json]   (operator)
  hubctl search bestbet list [--query Q] [--json]
  hubctl search bestbet remove --query Q --tenant ID --id CONTENT_ID [--json]              (operator)
  hubctl personal-data rewrap [--json]               (administrator)
                                    wrap every personal-data key under the aggregator's current key
                                    (its PERSONAL_DATA_KEY_CURRENT)
  hubctl personal-data reshred --log FILE [--json]   (administrator)
                                    after a restore: destroy again the personal data the shred log names
  Lists with --page print, on standard error, the --page TOKEN of the next page when there is one.
  hubctl compliance report [--week 2026-W48 | --from YYYY-MM-DD --to YYYY-MM-DD] [--tenant ID] [--json|--csv]
                                    each tenant's Article 11 status per ISO week (GMT+7): ok, behind, not_yet_due
  hubctl audit verify [--head SEQ:HASH] [--json]
                                    prove the audit chain intact (and that it extends a head exported earlier)
  hubctl audit head [--json]        the chain's head, SEQ:HASH, to keep off the database host (daily)
  hubctl audit list [--by ACTOR] [--tenant ID] [--action ACTION|PREFIX.] [--limit N] [--before SEQ] [--json]
  hubctl maintenance schedule --start "YYYY-MM-DD HH:MM" --end "YYYY-MM-DD HH:MM" --message-vi TEXT --message-en TEXT
                             --message-ru TEXT [--announce-from "YYYY-MM-DD HH:MM"] [--json]
                                    a maintenance window (GMT+7): every page shows its banner from the announcement
                                    (default 48 h before) until it ends
  hubctl maintenance cancel --id N [--json]
  hubctl maintenance list [--history] [--limit N] [--json]
  hubctl stats report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tenant ID|-] [--by day|page|activity] [--limit N] [--json|--csv]
                                    page views per day, tenant and language (bots apart), the most viewed
                                    pages, or publishing activity per tenant and day; default the last 7 days
  hubctl featured add --tenant ID --id CONTENT_ID [--position N] [--start T] [--end T] [--json]
                                    an item on the provincial home's featured list (lower positions first);
                                    without any in its period, the home shows the newest highlights
  hubctl featured remove --tenant ID --id CONTENT_ID
  hubctl featured list [--json]
  hubctl adverts add --advertiser NAME --label TEXT --url URL --start T --end T [--image https://...] [--json]
  hubctl adverts end --id N | adverts list [--all] [--json]
  hubctl adverts enable | adverts disable
                                    the advertising slot (Article 13) on the highlights section: off by default;
                                    every advertisement is labelled as such
  Every API command takes --addr HOST:PORT and --ca FILE (defaults: $HUBCTL_ADDR, $HUBCTL_CA, then
  what the last login used, then 127.0.0.1:9445 and the system's CAs), and every one but logout
  --json: the API's answer as JSON alone on standard output (messages go to standard error).

KIND is one of province, department, commune, ward, special_zone, district, other.
REGISTRY flags: --parent ID, --hosts HOST[,HOST...] (the first is primary; "" for none),
--address-vi/--address-en/--address-ru, --phone, --fax, --email, --responsible "Name, position",
--licence "licence line", --established YYYY-MM-DD, --dissolved YYYY-MM-DD.

Exit status: 0 done; 1 failed (the message says why); 2 misused (a flag missing or malformed,
or a value the API refused); 3 the audit log is not intact (audit verify: the first broken entry
is named); 4 not logged in, or the session ended (hubctl login); 5 the account's role may not do
this (the message names the role needed), or HUBCTL_TOKEN is a tenant's credential.

Environment:
  DATABASE_URL        hub PostgreSQL URL (the database commands)
  HUBCTL_ADDR         the aggregator's OpsService, host:port (make run: 127.0.0.1:9445)
  HUBCTL_CA           CA file of the aggregator's certificate (make run: var/tls/ca.pem)
  HUBCTL_TOKEN        an ops bearer token, instead of the login file
  HUBCTL_TOKEN_FILE   the login file (default ~/.config/portalhub/hubctl-login.json, mode 0600)
  HUBCTL_LOGIN        the login hubctl login uses without --login
`

func main() {
	ctx, stop := lifecycle.SignalContext()
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// stdin is where commands read a password (ops-accounts, login); tests
// replace it.
var stdin io.Reader = os.Stdin

// A command is one of hubctl's commands.
type command struct {
	// flags declares the command's flags on fs and returns what runs once
	// they are parsed.
	flags func(fs *flag.FlagSet) action
	// required are the flags that must be given (not empty, not 0), in the
	// order they are asked for.
	required []string
	// noStore: the command runs without the hub store open (migrate).
	noStore bool
	// api: the command talks to the aggregator's OpsService as the ops
	// account logged in (api.go), not to the database; login talks to it
	// without a token.
	api, login bool
	// noURL: the command needs no DATABASE_URL (backup restore makes a
	// new server).
	noURL bool
}

// An action runs a command whose flags are parsed.
type action func(ctx context.Context, s *session) error

// commands are hubctl's commands by name (the nats commands aside, which
// need neither an operator nor the database: see runNATS).
var commands = map[string]command{
	"migrate":                {flags: migrate, noStore: true},
	"ops-accounts bootstrap": {flags: bootstrapOpsAccount, required: []string{"login"}},
	"ops-accounts add":       {flags: addOpsAccount, required: []string{"login", "role"}, api: true},
	"ops-accounts list":      {flags: listOpsAccounts, api: true},
	"ops-accounts update":    {flags: updateOpsAccount, required: []string{"login"}, api: true},
	"login":                  {flags: loginCmd, login: true},
	"logout":                 {flags: logoutCmd, api: true},
	"whoami":                 {flags: whoamiCmd, api: true},
	"tenants add":            {flags: addTenant, required: []string{"id", "kind", "name-vi"}, api: true},
	"tenants update":         {flags: updateTenant, required: []string{"id"}, api: true},
	"tenants list":           {flags: listTenants, api: true},
	"tenants show":           {flags: showTenant, required: []string{"id"}, api: true},
	"tenants suspend":        {flags: setTenantStatus(true), required: []string{"id"}, api: true},
	"tenants resume":         {flags: setTenantStatus(false), required: []string{"id"}, api: true},
	"credentials issue":      {flags: issueCredential, required: []string{"tenant"}, api: true},
	"credentials list":       {flags: listCredentials, api: true},
	"credentials rotate":     {flags: rotateCredential, required: []string{"id"}, api: true},
	"credentials revoke":     {flags: revokeCredential, required: []string{"id"}, api: true},
	"compliance report":      {flags: complianceReport, api: true},
	"audit verify":           {flags: verifyAudit, api: true},
	"audit list":             {flags: listAudit, api: true},
	"audit head":             {flags: auditHead, api: true},
	"categories list":        {flags: listCategories, api: true},
	"items takedown":         {flags: takeDown, required: []string{"tenant", "id", "reason"}, api: true},
	"items lift":             {flags: liftTakedown, required: []string{"tenant", "id"}, api: true},
	"search reindex":         {flags: reindex, api: true},
	"search bestbet add":     {flags: addBestBet, required: []string{"query", "tenant", "id"}, api: true},
	"search bestbet list":    {flags: listBestBets, api: true},
	"search bestbet remove":  {flags: removeBestBet, required: []string{"query", "tenant", "id"}, api: true},
	"personal-data rewrap":   {flags: rewrapPersonalData, api: true},
	"personal-data reshred":  {flags: reshredPersonalData, required: []string{"log"}, api: true},
	"items list":             {flags: listItems, required: []string{"tenant"}, api: true},
	"items show":             {flags: showItem, required: []string{"tenant", "id"}, api: true},
	"takedowns list":         {flags: listTakedowns, api: true},
	"refusals list":          {flags: listRefusals, api: true},
	"coverage report":        {flags: coverageReport, api: true},
	"backlog":                {flags: showBacklog, api: true},
	"questions overdue":      {flags: overdueQuestions, api: true},
	"backup base":            {flags: baseBackup, required: []string{"to"}},
	"backup restore":         {flags: restoreBackup, required: []string{"from", "into"}, noStore: true, noURL: true},
	"maintenance schedule":   {flags: scheduleMaintenance, required: []string{"start", "end", "message-vi", "message-en", "message-ru"}, api: true},
	"maintenance cancel":     {flags: cancelMaintenance, required: []string{"id"}, api: true},
	"maintenance list":       {flags: listMaintenance, api: true},
	"stats report":           {flags: statsReport, api: true},
	"featured add":           {flags: addFeatured, required: []string{"tenant", "id"}, api: true},
	"featured remove":        {flags: removeFeatured, required: []string{"tenant", "id"}, api: true},
	"featured list":          {flags: listFeatured, api: true},
	"adverts add":            {flags: addAdvert, required: []string{"advertiser", "label", "url", "start", "end"}, api: true},
	"adverts end":            {flags: endAdvert, required: []string{"id"}, api: true},
	"adverts list":           {flags: listAdverts, api: true},
	"adverts enable":         {flags: setAdverts(true), api: true},
	"adverts disable":        {flags: setAdverts(false), api: true},
}

// run executes one command and returns the exit status: 0 done, 1 failed,
// 2 misused, 3 the audit log is not intact.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "nats" {
		if len(args) == 1 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		return runNATS(ctx, "nats "+args[1], args[2:], getenv, stdout, stderr)
	}
	name, rest := commandName(args)
	c, ok := commands[name]
	if !ok {
		if len(rest) == 0 && isGroup(name) {
			fmt.Fprint(stderr, usage)
		} else {
			fmt.Fprintf(stderr, "hubctl: lệnh không rõ / unknown command %q\n\n%s", name, usage)
		}
		return 2
	}
	fs := flag.NewFlagSet("hubctl "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	remote := c.api || c.login
	var actor *string
	var apiF *apiFlags
	if remote {
		apiF = declareAPIFlags(fs, getenv)
	} else {
		actor = fs.String("actor", systemUser(getenv), "operator recorded in the audit log (default $USER, else the system account running hubctl)")
	}
	act := c.flags(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	for _, f := range c.required {
		if v := strings.TrimSpace(fs.Lookup(f).Value.String()); v == "" || v == "0" {
			fmt.Fprintf(stderr, "hubctl %s: thiếu --%s / --%s is required\n", name, f, f)
			return 2
		}
	}
	s := &session{name: name, url: getenv("DATABASE_URL"), getenv: getenv, flags: fs, stdin: stdin, stdout: stdout, stderr: stderr, api: apiF}
	if !remote {
		if *actor == "" {
			fmt.Fprintln(stderr, "hubctl: không biết người thao tác: đặt $USER hoặc --actor / no operator: set $USER or --actor")
			return 2
		}
		s.actor = *actor
		if err := dburl.Check("DATABASE_URL", s.url); err != nil && !c.noURL {
			fmt.Fprintf(stderr, "hubctl: DATABASE_URL chưa đặt hoặc sai dạng / %v\n", err)
			return 2
		}
	}
	err := s.run(ctx, c, act)
	if code, ok := apiExit(name, err, stderr); ok {
		return code
	}
	var misused usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errAuditBroken):
		return 3
	case errors.As(err, &misused):
		fmt.Fprintf(stderr, "hubctl %s: %v\n", name, misused.err)
		return 2
	default:
		fmt.Fprintf(stderr, "hubctl %s: %s\n  (%v)\n", name, explain(err), err)
		return 1
	}
}

// commandName takes the command's name from the start of args (one word,
// or a group's words: "tenants add", "search bestbet list") and returns it
// with the arguments that follow.
func commandName(args []string) (string, []string) {
	name, rest := args[0], args[1:]
	for len(rest) > 0 && isGroup(name) {
		name, rest = name+" "+rest[0], rest[1:]
	}
	return name, rest
}

// isGroup reports whether name is the start of longer command names.
func isGroup(name string) bool {
	for c := range commands {
		if strings.HasPrefix(c, name+" ") {
			return true
		}
	}
	return false
}

// session is one command's run: who runs it, on which database, and
// where it writes.
type session struct {
	name           string // the command's name
	actor          string // recorded in the audit log
	url            string // DATABASE_URL
	getenv         func(string) string
	flags          *flag.FlagSet
	stdin          io.Reader
	stdout, stderr io.Writer
	store          *hubstore.Store     // open while act runs, unless c.noStore
	api            *apiFlags           // c.api, c.login: where the admin API is
	ops            pb.OpsServiceClient // c.api: the admin API, as the ops account logged in
}

// run runs act, with the hub store open, or the admin API connected, as c
// says.
func (s *session) run(ctx context.Context, c command, act action) error {
	switch {
	case c.login:
		return act(ctx, s)
	case c.api:
		ctx, closeAPI, err := s.openAPI(ctx)
		if err != nil {
			return err
		}
		defer closeAPI()
		return act(ctx, s)
	case !c.noStore:
		if err := checkHubDatabase(ctx, s.url); err != nil {
			return err
		}
		st, err := hubstore.Open(ctx, s.url)
		if err != nil {
			return err
		}
		defer st.Close()
		s.store = st
	}
	return act(ctx, s)
}

// checkHubDatabase refuses, before a database command opens the store, a
// sub-portal's database (an export DATABASE_URL left from another
// section: the command failed on a missing column) and one never
// migrated, naming the database and the fix. A database it cannot reach
// is left to hubstore.Open to report.
func checkHubDatabase(ctx context.Context, url string) error {
	err := pgmigrate.Check(ctx, url, pgmigrate.Hub)
	var wrong *pgmigrate.WrongDatabaseError
	if errors.As(err, &wrong) || errors.Is(err, pgmigrate.ErrNotMigrated) {
		return err
	}
	return nil
}

// given reports whether the flag name was given on the command line.
func (s *session) given(name string) bool {
	found := false
	s.flags.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// usageError is a misuse found once the flags are parsed (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func migrate(*flag.FlagSet) action {
	return func(ctx context.Context, s *session) error {
		if err := hubschema.Migrate(ctx, s.url); err != nil {
			return err
		}
		st, err := hubstore.Open(ctx, s.url)
		if err != nil {
			return err
		}
		defer st.Close()
		version, err := st.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		if err := st.RecordAction(ctx, s.actor, "hub.migrate", map[string]int64{"version": version}); err != nil {
			return err
		}
		fmt.Fprintln(s.stdout, "Đã cập nhật cơ sở dữ liệu / hub database migrated")
		return nil
	}
}

// explain says what went wrong in both languages.
func explain(err error) string {
	var wrong *pgmigrate.WrongDatabaseError
	var refused *opsaccounts.Error
	var invalid *hubstore.Invalid
	switch {
	case errors.As(err, &refused):
		return refused.Vietnamese + " / " + refused.English
	case errors.As(err, &invalid):
		return invalid.Vietnamese + " / " + invalid.English
	case errors.As(err, &wrong):
		return "DATABASE_URL trỏ tới cơ sở dữ liệu của một cổng thành phần, không phải của cổng tổng hợp; không có gì bị thay đổi. " +
			"Hãy đặt DATABASE_URL trỏ tới cơ sở dữ liệu của cổng tổng hợp / DATABASE_URL names a sub-portal's database, not the hub's"
	case errors.Is(err, pgmigrate.ErrNotMigrated):
		return "cơ sở dữ liệu chưa có lược đồ của cổng tổng hợp: chạy hubctl migrate (hoặc khởi động aggregator), hoặc sửa DATABASE_URL / " +
			"the database holds no hub schema: run hubctl migrate (or start the aggregator), or correct DATABASE_URL"
	case errors.Is(err, hubstore.ErrReindexRunning):
		return "đang có một lần dựng lại chỉ mục khác / another rebuild is running"
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

// systemUser is who runs hubctl: $USER, else the system account of the
// process (cron and systemd often leave $USER unset), else "".
func systemUser(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
