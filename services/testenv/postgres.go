package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/pgcluster"
)

// Postgres returns the URL of a new database for the test, dropped when the
// test ends. The database is a copy of a template database that migrate
// builds once per test process, so it starts with the newest schema and no
// other test's data.
//
// template names the schema (such as "hubstore"): lower-case letters,
// digits and underscores, at most 30. Every call with the same template must
// pass the same migrate, which may be nil for an empty database. migrate gets
// the template database's URL; connections it leaves open are ended.
//
// The server is the one DATABASE_URL names, as a postgres:// URL of a
// superuser, when it is set; tests there create databases named t_* and
// tmpl_*. Otherwise the first call starts a private, non-durable cluster
// for the test process, in /dev/shm when it has room, else in /var/tmp, and
// removes the clusters of earlier test processes that were killed. Either
// way the package's TestMain must call Main, which stops the cluster or drops
// the template databases.
func Postgres(t testing.TB, template string, migrate func(ctx context.Context, url string) error) string {
	t.Helper()
	if !inMain.Load() {
		t.Fatal("testenv.Postgres needs the package's TestMain to call testenv.Main, which stops the server after the tests")
	}
	if !templateName.MatchString(template) {
		t.Fatalf("testenv.Postgres: template %q is not lower-case letters, digits and underscores, at most 30", template)
	}
	srv, err := postgresServer()
	if err != nil {
		t.Fatalf("testenv: PostgreSQL: %v", err)
	}
	tmpl, err := srv.template(template, migrate)
	if err != nil {
		t.Fatalf("testenv: template database for %s: %v", template, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := "t_" + template + "_" + randomHex(6)
	if err := srv.exec(ctx, "CREATE DATABASE "+ident(db)+" TEMPLATE "+ident(tmpl)); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.exec(ctx, "DROP DATABASE IF EXISTS "+ident(db)+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return srv.url(db)
}

var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)

// clusterRoots may hold the private clusters of test processes, each in
// portalhub-test-<pid>. The postgres user can reach both.
var clusterRoots = []string{"/dev/shm", "/var/tmp"}

// clusterRoot returns the folder for this process's cluster: memory-backed
// /dev/shm when it has room, as copying a database there is several times
// faster, else /var/tmp.
func clusterRoot() string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(clusterRoots[0], &st); err == nil && st.Bavail*uint64(st.Bsize) >= 2<<30 {
		return clusterRoots[0]
	}
	return clusterRoots[1]
}

// templateLock is the PostgreSQL advisory lock held while building a
// template database.
const templateLock = 0x70687562 // "phub"

// dbServer is the PostgreSQL server the tests of this process use.
type dbServer struct {
	admin   *url.URL           // its maintenance database
	cluster *pgcluster.Cluster // nil when DATABASE_URL names the server

	mu        sync.Mutex
	templates map[string]*templateDB
}

// templateDB is a template database, built at most once.
type templateDB struct {
	once sync.Once
	name string
	err  error
}

var pg struct {
	sync.Mutex
	srv     *dbServer
	err     error
	started bool
}

// postgresServer returns the process's server, starting it on first use.
func postgresServer() (*dbServer, error) {
	pg.Lock()
	defer pg.Unlock()
	if !pg.started {
		pg.started = true
		pg.srv, pg.err = startPostgres()
	}
	return pg.srv, pg.err
}

func startPostgres() (*dbServer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if env := os.Getenv("DATABASE_URL"); env != "" {
		u, err := url.Parse(env)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("DATABASE_URL is not a postgres:// URL")
		}
		conn, err := pgx.Connect(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		conn.Close(ctx)
		return &dbServer{admin: u, templates: map[string]*templateDB{}}, nil
	}

	removeAbandoned()
	dir := filepath.Join(clusterRoot(), "portalhub-test-"+strconv.Itoa(os.Getpid()))
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Ephemeral: true})
	if err != nil {
		pgcluster.Remove(dir)
		return nil, err
	}
	u, err := url.Parse(c.URL("postgres"))
	if err != nil {
		return nil, err
	}
	return &dbServer{admin: u, cluster: c, templates: map[string]*templateDB{}}, nil
}

// removeAbandoned removes the clusters of test processes that ended without
// stopping theirs: killed by a timeout, or run without Main.
func removeAbandoned() {
	var dirs []string
	for _, root := range clusterRoots {
		found, _ := filepath.Glob(filepath.Join(root, "portalhub-test-*"))
		dirs = append(dirs, found...)
	}
	for _, dir := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), "portalhub-test-"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
			continue // still running
		}
		pgcluster.Remove(dir) // best effort: a failure here is not this process's
	}
}

// stopPostgres stops the private cluster, or drops the template databases
// built on the DATABASE_URL server.
func stopPostgres() error {
	pg.Lock()
	defer pg.Unlock()
	srv := pg.srv
	if srv == nil {
		return nil
	}
	if srv.cluster != nil {
		if err := srv.cluster.Stop(); err != nil {
			return err
		}
		return os.RemoveAll(srv.cluster.Dir())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var errs []error
	for _, tmpl := range srv.templates {
		if tmpl.name != "" {
			errs = append(errs, srv.exec(ctx, "DROP DATABASE IF EXISTS "+ident(tmpl.name)+" WITH (FORCE)"))
		}
	}
	return errors.Join(errs...)
}

// template returns the name of the template database for schema, building
// it on first use.
func (s *dbServer) template(schema string, migrate func(context.Context, string) error) (string, error) {
	s.mu.Lock()
	tmpl, ok := s.templates[schema]
	if !ok {
		tmpl = &templateDB{}
		s.templates[schema] = tmpl
	}
	s.mu.Unlock()
	tmpl.once.Do(func() {
		// Named per process: test processes of several packages may
		// share the DATABASE_URL server, each with its own migrations.
		name := "tmpl_" + schema + "_" + strconv.Itoa(os.Getpid())
		tmpl.err = s.buildTemplate(name, migrate)
		if tmpl.err == nil {
			tmpl.name = name
		}
	})
	return tmpl.name, tmpl.err
}

func (s *dbServer) buildTemplate(name string, migrate func(context.Context, string) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// Migrations can create objects the whole server shares, such as
	// roles: processes sharing a server build their templates in turn.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return err
	}
	for _, sql := range []string{
		"DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)",
		"CREATE DATABASE " + ident(name) + " TEMPLATE template0 ENCODING 'UTF8'",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
	}
	if migrate != nil {
		if err := migrate(ctx, s.url(name)); err != nil {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
			return fmt.Errorf("migrate: %w", err)
		}
	}
	// Copying a database needs everyone out of it: end the connections
	// migrate left open and let no new ones in.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		return err
	}
	return nil
}

// exec runs sql in the server's maintenance database.
func (s *dbServer) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// url returns the URL of database db on the server.
func (s *dbServer) url(db string) string {
	u := *s.admin
	u.Path, u.RawPath = "/"+db, ""
	return u.String()
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
