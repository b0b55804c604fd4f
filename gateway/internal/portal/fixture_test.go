package portal_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/invalidate"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/search"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is a gateway over a fresh hub database and an in-process NATS server.
type env struct {
	db       *pgxpool.Pool // superuser, to write fixtures
	srv      *httptest.Server
	cache    *pagecache.Cache
	nc       *nats.Conn
	js       jetstream.JetStream
	consumer *invalidate.Consumer
	store    *hubread.Store // read as the gateway's role
	gw       *pgxpool.Pool  // the gateway's role's pool (store's)
	clock    *testClock     // the page cache's clock
	ops      *lifecycle.Ops // its registry holds the metrics
	queries  *queryLog      // the queries the gateway ran
	portal   *portal.Server
	// compress runs the page cache's compressions (Config.Background):
	// inline, so that a render's answer has its compressed forms as the
	// tests expect, unless a test holds them.
	compress *compressions
}

// compressions is the page cache's Background in tests: a stored page's
// gzip and brotli forms are made inline, before the render's waiters are
// answered, unless held (hold), when they wait for release.
type compressions struct {
	mu    sync.Mutex
	held  bool
	tasks []func()
}

func (c *compressions) run(task func()) {
	c.mu.Lock()
	if c.held {
		c.tasks = append(c.tasks, task)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	task()
}

func (c *compressions) hold() { c.mu.Lock(); c.held = true; c.mu.Unlock() }

// release runs the compressions held and no longer holds them; it returns
// how many ran.
func (c *compressions) release() int {
	c.mu.Lock()
	tasks := c.tasks
	c.tasks, c.held = nil, false
	c.mu.Unlock()
	for _, task := range tasks {
		task()
	}
	return len(tasks)
}

// queryLog records the queries run on the gateway's pool (a pgx tracer).
type queryLog struct {
	mu      sync.Mutex
	queries []loggedQuery
}

type loggedQuery struct {
	sql  string
	args []any
}

func (l *queryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.mu.Lock()
	l.queries = append(l.queries, loggedQuery{sql: d.SQL, args: d.Args})
	l.mu.Unlock()
	return ctx
}

func (l *queryLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the queries run since the last take and forgets them.
func (l *queryLog) take() []loggedQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.queries
	l.queries = nil
	return q
}

// testClock is the page cache's clock in tests: the real time moved on by
// Advance, or, once frozen, a time that moves only by Advance.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
	frozen time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		return c.frozen
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock on by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	if !c.frozen.IsZero() {
		c.frozen = c.frozen.Add(d)
	}
}

// Freeze stops the clock; from then on only Advance moves it.
func (c *testClock) Freeze() {
	now := c.Now()
	c.mu.Lock()
	c.frozen = now
	c.mu.Unlock()
}

// counter returns the value of a counter the gateway registered.
func (e *env) counter(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := e.ops.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func newEnv(t testing.TB) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith is newEnv with the portal's configuration adjusted by configure.
func newEnvWith(t testing.TB, configure func(*portal.Config)) *env {
	t.Helper()
	return newEnvPool(t, nil, configure)
}

// newEnvClock is newEnvWith whose configure also gets the page cache's
// clock (to make it the portal's too).
func newEnvClock(t testing.TB, configure func(*portal.Config, *testClock)) *env {
	t.Helper()
	return newEnvFull(t, nil, configure)
}

// newEnvPool is newEnvWith with the gateway's pool configuration adjusted
// by pool (e.g. a statement timeout, as GATEWAY_STATEMENT_TIMEOUT sets).
func newEnvPool(t testing.TB, pool func(*pgxpool.Config), configure func(*portal.Config)) *env {
	t.Helper()
	if configure == nil {
		return newEnvFull(t, pool, nil)
	}
	return newEnvFull(t, pool, func(c *portal.Config, _ *testClock) { configure(c) })
}

// newEnvFull builds the environment: newEnvPool whose configure also gets
// the page cache's clock.
func newEnvFull(t testing.TB, pool func(*pgxpool.Config), configure func(*portal.Config, *testClock)) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dbURL := testenv.Postgres(t, "gateway", hubschema.Migrate)
	db, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	u, _ := url.Parse(dbURL)
	u.User = url.User("portalhub_gateway") // read as the gateway's read-only role
	poolCfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	queries := &queryLog{}
	poolCfg.ConnConfig.Tracer = queries
	if pool != nil {
		pool(poolCfg)
	}
	reader, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reader.Close)

	// The gateway consumes as its NATS user; the tests publish as the
	// aggregator's, as the hub's relay does.
	bus := testenv.NATS(t)
	nc := bus.Connect(t, natsauth.Gateway, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	ops := lifecycle.NewOps()
	clock := &testClock{}
	compress := &compressions{}
	cache := pagecache.New(pagecache.Config{MaxBytes: 16 << 20, Registerer: ops.Registry, Now: clock.Now, Background: compress.run})
	log := zerolog.New(io.Discard)
	consumer, err := invalidate.New(invalidate.Config{Conn: nc, Cache: cache, Log: log, Registerer: ops.Registry,
		RetryEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	go consumer.Run(ctx)
	testenv.WaitFor(t, 10*time.Second, func() error { return consumer.Ready(ctx) })
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ops.AddCheck("nats", consumer.Ready)
	store := hubread.New(reader)
	// The registry of tenants is reloaded when a test changes them (see
	// tenant and tenantsChanged), not by the clock.
	cfg := portal.Config{Store: store, Cache: cache, Catalog: catalog, Log: log, Ops: ops, TenantRefresh: time.Hour,
		ReadyDetail: func() map[string]any { return map[string]any{"content_stream_last_sequence": consumer.LastSequence()} }}
	if configure != nil {
		configure(&cfg, clock)
	}
	p, err := portal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &env{db: db, srv: srv, cache: cache, nc: nc, js: js, consumer: consumer, store: store, clock: clock, ops: ops,
		queries: queries, portal: p, gw: reader, compress: compress}
}

func (e *env) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := e.db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (e *env) tenant(t testing.TB, id, kind, vi, en, ru string) {
	t.Helper()
	e.exec(t, `INSERT INTO tenants (id, kind, name_vi, name_en, name_ru) VALUES ($1, $2, $3, $4, $5)`, id, kind, vi, en, ru)
	e.tenantsChanged(t)
}

// tenantsChanged reloads the gateway's registry of tenants, as the tenant
// watcher does when it notices a change.
func (e *env) tenantsChanged(t testing.TB) {
	t.Helper()
	if err := e.portal.TenantsChanged(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var stateNames = map[pb.PublicationState]string{
	pb.PublicationState_PUBLICATION_STATE_PUBLISHED:  "published",
	pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:  "withdrawn",
	pb.PublicationState_PUBLICATION_STATE_REDIRECTED: "redirected",
	pb.PublicationState_PUBLICATION_STATE_GONE:       "gone",
}

// put stores an item the way the aggregator does: the row, its doc and its
// translations.
func (e *env) put(t testing.TB, tenant string, it *pb.ContentItem) {
	t.Helper()
	doc, err := protojson.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256(doc)
	e.exec(t, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, content_id) DO UPDATE SET version = $3, content_hash = $4, kind = $5, category = $6,
			state = $7, published_at = $8, doc = $9, updated_at = now()`,
		tenant, it.GetContentId(), int64(it.GetVersion()), hash[:], contentrules.KindWord(it.GetKind()), it.GetCategory(),
		stateNames[it.GetState()], it.GetPublishedAt().AsTime(), doc)
	e.exec(t, `DELETE FROM item_translations WHERE tenant_id = $1 AND content_id = $2`, tenant, it.GetContentId())
	for _, tr := range it.GetTranslations() {
		e.exec(t, `INSERT INTO item_translations (tenant_id, content_id, locale, slug, title, summary) VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, it.GetContentId(), tr.GetLocale(), tr.GetSlug(), tr.GetTitle(), tr.GetSummary())
	}
	// The search index, as the hub store writes it (title, summary and
	// body; the store adds the kind's fields and attachments).
	e.exec(t, `SELECT search_remove($1, $2, '{}')`, tenant, it.GetContentId())
	if it.GetState() == pb.PublicationState_PUBLICATION_STATE_PUBLISHED {
		for _, tr := range it.GetTranslations() {
			p := search.Prepare(search.Document{Title: tr.GetTitle(), Summary: tr.GetSummary(), BodyHTML: tr.GetBodyHtml()})
			e.exec(t, `SELECT search_put($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
				tenant, it.GetContentId(), tr.GetLocale(), contentrules.KindWord(it.GetKind()), it.GetCategory(),
				it.GetPublishedAt().AsTime(), p.Title, p.Summary, p.Body, p.A, p.B, p.C, p.D, p.ExactA, p.ExactB, p.ExactD)
		}
	}
}

func (e *env) blob(t testing.TB, data []byte, mediaType string) string {
	t.Helper()
	sum := sha256.Sum256(data)
	e.exec(t, `INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, $3, $4)`, sum[:], len(data), mediaType, data)
	return hex.EncodeToString(sum[:])
}

// publish announces a change of an item on JetStream, as the hub's relay does.
func (e *env) publish(t *testing.T, tenant string, it *pb.ContentItem, change pb.ContentChange) {
	t.Helper()
	doc, err := protojson.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(doc) // as put stores it
	hash := hex.EncodeToString(sum[:])
	ev := &pb.ContentEvent{EventId: events.ContentMsgID(tenant, it.GetContentId(), it.GetVersion(), hash), Tenant: tenant,
		ContentId: it.GetContentId(), Version: it.GetVersion(), Change: change, Kind: it.GetKind(),
		Category: it.GetCategory(), ContentHash: hash, OccurredAt: timestamppb.Now()}
	b, err := protoMarshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.Publish(context.Background(), events.ContentSubject(tenant, it.GetContentId()), b,
		jetstream.WithMsgID(ev.GetEventId())); err != nil {
		t.Fatal(err)
	}
}

var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path and parses the answer as HTML.
func (e *env) get(t *testing.T, path string, header ...string) (*http.Response, *goquery.Document) {
	t.Helper()
	res, body := e.getBody(t, path, header...)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return res, doc
}

// getBody fetches path (header: name, value pairs; "Host" sets the Host)
// and returns the answer's body as it came.
func (e *env) getBody(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func text(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).First().Text()), " ")
}

func texts(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.Join(strings.Fields(s.Text()), " ")) })
	return out
}

func attr(doc *goquery.Document, sel, name string) string {
	v, _ := doc.Find(sel).First().Attr(name)
	return v
}

// article builds a published article.
func article(id string, version uint64, at time.Time, trs ...*pb.Translation) *pb.ContentItem {
	return &pb.ContentItem{ContentId: id, Version: version, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		Translations: trs, PublishedAt: timestamppb.New(at), State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Authors: []*pb.Person{{Name: "Nguyễn Thị Viết"}}, Editor: &pb.Person{Name: "Lê Văn Biên"},
		Approver: &pb.Person{Name: "Trần Văn Duyệt"}}
}

func tr(locale, slug, title, summary, body string) *pb.Translation {
	return &pb.Translation{Locale: locale, Slug: slug, Title: title, Summary: summary, BodyHtml: body}
}

func protoMarshal(m *pb.ContentEvent) ([]byte, error) { return proto.Marshal(m) }
