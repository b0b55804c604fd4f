// Package pgcluster runs a private PostgreSQL cluster for development and
// tests: it initialises a data directory on first use, starts the server on a
// loopback port, and stops it again. Data is kept between runs.
//
// PostgreSQL refuses to run as root. When the process runs as root, pgcluster
// runs initdb and pg_ctl as the unprivileged postgres system user (through
// runuser) and keeps the cluster in a folder that user can reach.
package pgcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Config says where and how to run a cluster.
type Config struct {
	// Dir is the cluster's folder. It holds the data directory (data/), the
	// port of the last run (port) and, unless LogFile says otherwise, the
	// server log (postgres.log). A cluster already initialised there is
	// reused with its data. When running as root and the postgres user cannot
	// reach Dir (a checkout under /root, a t.TempDir), the cluster lives in
	// /var/tmp/portalhub-pg-<hash of Dir> instead; Cluster.Dir tells which.
	Dir string

	// Port is the TCP port to listen on, on 127.0.0.1. Zero picks one: the
	// port of the previous run when it is still free, else any free port.
	Port int

	// LogFile is where the server writes its log; empty means postgres.log
	// in the cluster's folder. The file is opened by the calling process, so
	// the postgres user need not be able to reach it.
	LogFile string

	// Ephemeral trades durability for speed: no fsync, no sync after
	// initdb. For tests only: a machine crash can corrupt the data.
	Ephemeral bool
	// SyncCommit, with Ephemeral, keeps synchronous_commit on, so that a
	// server that is killed (not the machine: fsync stays off) loses no
	// committed transaction; the fault tests kill it.
	SyncCommit bool

	// BinDir holds initdb and pg_ctl. Empty means the newest
	// /usr/lib/postgresql/<version>/bin (Debian keeps them off the PATH),
	// else the PATH.
	BinDir string

	// Timeout bounds how long Start waits for the server to accept
	// connections; zero means one minute.
	Timeout time.Duration
	// Archive, when set, is the folder every completed WAL segment is
	// copied to (continuous archiving: wal_level replica, archive_mode on),
	// from which Restore recovers to a point in time. It stands for object
	// storage; its path may hold only letters, digits and / . _ -. A
	// relative path is inside the cluster's folder (Dir), which the server
	// can always reach.
	Archive string

	// Env is added to the server's environment (pg_ctl passes its own on to
	// the postmaster and every backend inherits it). The fault tests run a
	// sub-portal's server under libfaketime with it (LD_PRELOAD,
	// FAKETIME_TIMESTAMP_FILE), so that its now() jumps.
	Env []string
}

// A Cluster is a running PostgreSQL server over one data directory. It
// accepts any connection from 127.0.0.1 as the superuser postgres, without a
// password.
type Cluster struct {
	dir  string // the cluster's folder
	data string // its data directory
	port int
	run  *runner
	env  []string // Config.Env
}

const fallbackRoot = "/var/tmp"

// Start starts the cluster in cfg.Dir, initialising it first when the folder
// holds none, and returns once it accepts connections. When a server is
// already running on that data directory (left behind by a process that did
// not stop it, or started by another process), Start attaches to it instead;
// Stop then stops it all the same. A postmaster.pid left by a killed server
// is removed.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	return start(ctx, cfg, nil)
}

// start is Start; prepare, when set, runs before the server starts (after
// initdb, which a data directory already in place skips) and returns more
// server options.
func start(ctx context.Context, cfg Config, prepare func(c *Cluster) (string, error)) (*Cluster, error) {
	if cfg.Dir == "" {
		return nil, errors.New("pgcluster: Config.Dir is empty")
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	r, err := newRunner(cfg.BinDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	dir, err := r.clusterDir(ctx, cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{dir: dir, data: filepath.Join(dir, "data"), run: r, env: cfg.Env}

	// Two processes starting the same cluster at once take turns; the
	// second one finds the first one's server running and attaches to it.
	unlock, err := lock(filepath.Join(dir, "lock"))
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	defer unlock()

	if pid, port, ok := postmaster(c.data); ok {
		if prepare != nil {
			return nil, fmt.Errorf("pgcluster: a server (PID %d) runs on %s; restore into a new folder", pid, c.data)
		}
		c.port = port
		if err := c.waitReady(ctx); err != nil {
			return nil, fmt.Errorf("pgcluster: a server (PID %d) already runs on %s but does not accept connections on port %d: %w", pid, c.data, port, err)
		}
		return c, nil
	}
	// The server is not running, so a postmaster.pid is stale. The server
	// would remove it itself, unless its PID now belongs to another process
	// of the postgres user.
	if err := os.Remove(filepath.Join(c.data, "postmaster.pid")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	extra, err := c.archiving(cfg.Archive)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if prepare == nil {
		err = c.initdb(ctx, cfg.Ephemeral)
	} else {
		var more string
		more, err = c.prepareData(prepare)
		extra += more
	}
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	logPath := cfg.LogFile
	if logPath == "" {
		logPath = filepath.Join(dir, "postgres.log")
	}
	for attempt := 1; ; attempt++ {
		port, err := c.choosePort(cfg.Port)
		if err != nil {
			return nil, fmt.Errorf("pgcluster: %w", err)
		}
		err = c.start(ctx, port, cfg.Ephemeral, cfg.SyncCommit, logPath, extra)
		if err == nil {
			break
		}
		// A port found free can be taken before the server binds it.
		if cfg.Port == 0 && attempt < 3 && !portFree(port) {
			continue
		}
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.waitReady(ctx); err != nil {
		c.Stop()
		return nil, fmt.Errorf("pgcluster: server on port %d does not accept connections: %w", c.port, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "port"), []byte(strconv.Itoa(c.port)+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("pgcluster: record port: %w", err)
	}
	return c, nil
}

// URL returns the address of database dbname on the cluster, as the
// superuser postgres.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Running reports whether a server runs on the cluster's data directory.
func (c *Cluster) Running() bool {
	_, _, ok := postmaster(c.data)
	return ok
}

// Pid returns the PID of the server (its postmaster) running on the
// cluster's data directory, 0 when none runs.
func (c *Cluster) Pid() int {
	pid, _, ok := postmaster(c.data)
	if !ok {
		return 0
	}
	return pid
}

// Port returns the TCP port the server listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Dir returns the cluster's folder: Config.Dir, or the folder under /var/tmp
// used instead when the postgres user cannot reach Config.Dir.
func (c *Cluster) Dir() string { return c.dir }

// DataDir returns the server's data directory, in Dir.
func (c *Cluster) DataDir() string { return c.data }

// Stop stops the server, ending the open sessions (pg_ctl stop -m fast), and
// waits until it is down. Stopping a stopped cluster does nothing.
func (c *Cluster) Stop() error {
	if _, _, ok := postmaster(c.data); !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := c.run.command(ctx, c.dir, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.data).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgcluster: pg_ctl stop %s: %w: %s", c.data, err, bytes.TrimSpace(out))
	}
	return nil
}

// Remove stops any server running on the cluster in dir at once, without a
// checkpoint, and deletes dir. dir is a Cluster's Dir. Remove is for
// throwaway clusters, such as those of tests that were killed before they
// could stop theirs.
func Remove(dir string) error {
	data := filepath.Join(dir, "data")
	if pid, _, ok := postmaster(data); ok {
		// SIGQUIT is PostgreSQL's immediate shutdown (pg_ctl stop -m immediate).
		if err := syscall.Kill(pid, syscall.SIGQUIT); err != nil {
			return fmt.Errorf("pgcluster: stop server %d in %s: %w", pid, data, err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for runsIn(pid, data) {
			if time.Now().After(deadline) {
				return fmt.Errorf("pgcluster: server %d in %s did not stop", pid, data)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// prepareData makes an empty data directory for prepare to fill, in place
// of initdb; a folder that holds a cluster already is refused.
func (c *Cluster) prepareData(prepare func(c *Cluster) (string, error)) (string, error) {
	if _, err := os.Stat(filepath.Join(c.data, "PG_VERSION")); err == nil {
		return "", fmt.Errorf("%s holds a cluster already; restore into a new folder", c.data)
	}
	if err := os.Mkdir(c.data, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	if err := c.run.own(c.data); err != nil {
		return "", err
	}
	return prepare(c)
}

// initdb initialises the data directory unless it holds a cluster already.
func (c *Cluster) initdb(ctx context.Context, ephemeral bool) error {
	if _, err := os.Stat(filepath.Join(c.data, "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.Mkdir(c.data, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	if err := c.run.own(c.data); err != nil {
		return err
	}
	args := []string{"-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8"}
	if ephemeral {
		args = append(args, "--no-sync")
	}
	out, err := c.run.command(ctx, c.dir, "initdb", append(args, "--locale=C.UTF-8")...).CombinedOutput()
	if err != nil {
		// Not every system has the C.UTF-8 locale. On failure initdb empties
		// the data directory again, so it can simply be retried.
		out, err = c.run.command(ctx, c.dir, "initdb", append(args, "--locale=C")...).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("initdb %s: %w: %s", c.data, err, bytes.TrimSpace(out))
	}
	return nil
}

// start starts the server on port, its output appended to logPath, and waits
// until it reports itself ready.
func (c *Cluster) start(ctx context.Context, port int, ephemeral, syncCommit bool, logPath, extra string) error {
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	// pg_ctl hands these to the server through a shell: keep them free of
	// anything that needs quoting. No Unix socket: its path length is
	// limited, and every client comes over TCP.
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories='' -c max_connections=200", port)
	if ephemeral {
		opts += " -c fsync=off -c full_page_writes=off"
		if !syncCommit {
			opts += " -c synchronous_commit=off"
		}
	}
	opts += extra
	wait := 60
	if deadline, ok := ctx.Deadline(); ok {
		wait = max(1, int(time.Until(deadline).Seconds()+1))
	}
	cmd := c.run.command(ctx, c.dir, "pg_ctl", "start", "-w", "-t", strconv.Itoa(wait), "-D", c.data, "-o", opts)
	// The server inherits this file as its output and keeps it open, so
	// the postgres user need not be able to open it itself.
	cmd.Stdout, cmd.Stderr = logf, logf
	if len(c.env) > 0 {
		cmd.Env = append(os.Environ(), c.env...)
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_ctl start on port %d: %w; the end of %s:\n%s", port, err, logPath, tail(logPath, 15))
	}
	c.port = port
	return nil
}

// waitReady polls until the server accepts a connection or ctx is done.
func (c *Cluster) waitReady(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := ping(ctx, c.URL("postgres"))
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// choosePort returns want, else the port of the previous run when it is free,
// else a free port.
func (c *Cluster) choosePort(want int) (int, error) {
	if want != 0 {
		return want, nil
	}
	if b, err := os.ReadFile(filepath.Join(c.dir, "port")); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 && portFree(p) {
			return p, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// postmaster reads data's postmaster.pid and reports whether the server it
// names is running.
func postmaster(data string) (pid, port int, running bool) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, 0, false
	}
	// Line 1 holds the PID, line 4 the port.
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, 0, false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err2 := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return pid, port, runsIn(pid, data)
}

// runsIn reports whether process pid is a server on data. A server works in
// its data directory, which tells it apart from an unrelated process that
// got the PID of a killed server (PIDs are reused quickly in containers).
func runsIn(pid int, data string) bool {
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if err == nil {
		if real, err := filepath.EvalSymlinks(data); err == nil {
			data = real
		}
		return cwd == data
	}
	if _, err := os.Stat("/proc/self/cwd"); err == nil {
		return false // gone, or a zombie
	}
	// Without /proc, settle for the process existing.
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// lock takes an exclusive lock on the file at path, waiting for it.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// A runner runs PostgreSQL's programs, as the postgres user when the process
// runs as root.
type runner struct {
	bin      string // folder holding initdb and pg_ctl
	runuser  string // path of runuser when running as root, else empty
	uid, gid int    // the postgres user's, when running as root
}

func newRunner(bin string) (*runner, error) {
	if bin == "" {
		var err error
		if bin, err = binDir(); err != nil {
			return nil, err
		}
	}
	r := &runner{bin: bin}
	if os.Geteuid() != 0 {
		return r, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL cannot run as root and there is no postgres user to run it as (Debian's postgresql package creates one): %w", err)
	}
	r.uid, _ = strconv.Atoi(u.Uid)
	r.gid, _ = strconv.Atoi(u.Gid)
	if r.runuser, err = exec.LookPath("runuser"); err != nil {
		if r.runuser, err = exec.LookPath("/usr/sbin/runuser"); err != nil {
			return nil, fmt.Errorf("running PostgreSQL as the postgres user: %w", err)
		}
	}
	return r, nil
}

// binDir finds the newest PostgreSQL server binaries.
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	version := func(path string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(path))), 64)
		return v
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if path, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(path), nil
	}
	return "", errors.New("no PostgreSQL server binaries (pg_ctl) in /usr/lib/postgresql/*/bin or on the PATH: install Debian's postgresql package")
}

// command prepares PostgreSQL program name to run in folder dir.
func (r *runner) command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	return r.commandPath(ctx, dir, filepath.Join(r.bin, name), args...)
}

// commandPath prepares program path (a path, or a name the PATH finds) to
// run in folder dir as the user the server runs as.
func (r *runner) commandPath(ctx context.Context, dir, path string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if r.runuser != "" {
		cmd = exec.CommandContext(ctx, r.runuser, append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// Run from a folder the postgres user can enter: PostgreSQL's
	// programs complain when they cannot.
	cmd.Dir = dir
	return cmd
}

// own gives path to the postgres user when running as root.
func (r *runner) own(path string) error {
	if r.runuser == "" {
		return nil
	}
	return os.Chown(path, r.uid, r.gid)
}

// reachable reports whether the postgres user can enter dir.
func (r *runner) reachable(ctx context.Context, dir string) bool {
	return exec.CommandContext(ctx, r.runuser, "-u", "postgres", "--", "test", "-x", dir).Run() == nil
}

// clusterDir creates the cluster's folder: want when the server can reach
// it, else a folder under /var/tmp named after want.
func (r *runner) clusterDir(ctx context.Context, want string) (string, error) {
	dir, err := filepath.Abs(want)
	if err != nil {
		return "", err
	}
	if r.runuser == "" {
		return dir, os.MkdirAll(dir, 0o755)
	}
	if err := os.MkdirAll(dir, 0o755); err == nil {
		// Beat a restrictive umask; the data directory inside stays private.
		if err := os.Chmod(dir, 0o755); err == nil && r.reachable(ctx, dir) {
			return dir, nil
		}
	}
	sum := sha256.Sum256([]byte(dir))
	alt := filepath.Join(fallbackRoot, "portalhub-pg-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(alt, 0o755); err != nil {
		return "", err
	}
	if err := os.Chmod(alt, 0o755); err != nil {
		return "", err
	}
	if !r.reachable(ctx, alt) {
		return "", fmt.Errorf("the postgres user can reach neither %s nor %s", dir, alt)
	}
	return alt, nil
}
