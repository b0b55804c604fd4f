package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/natsserver"
)

const natsUsage = `hubctl nats: người dùng và luồng của NATS / the hub's NATS users and stream

Usage:
  hubctl nats keys --out DIR
      creates the NKey seeds of the hub's NATS users (aggregator, gateway, ops)
      in DIR (mode 0600), keeping those already there, and prints their public
      keys as the variables deploy/nats/cluster.conf reads (NATS_GATEWAY_NKEY=U…)
  hubctl nats config --keys DIR
      prints the authorization block of the NATS servers' configuration
      (deploy/nats/users.conf): the hub's users, and one user per tenant whose
      key is in DIR (tenant-<id>.pub or .nk: hubctl credentials issue
      --nats-keys DIR); reload the servers after changing it
  hubctl nats stream
      creates the HUB_CONTENT and HUB_INBOX streams, or updates them to the
      hub's configuration, as the ops user

Environment of hubctl nats stream:
  NATS_URL             NATS server(s), comma-separated (default nats://127.0.0.1:4222)
  NATS_NKEY_FILE       NKey seed file of the ops user (required)
  NATS_CA_FILE         CA of NATS's TLS certificate, when not in the system's pool
  JETSTREAM_REPLICAS   replicas of the stream: 1, or 3 in the clustered deployment (default 1)
`

// runNATS runs `hubctl nats keys|stream` and returns the exit status.
func runNATS(ctx context.Context, cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hubctl "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, natsUsage) }
	var out string
	switch cmd {
	case "nats -h", "nats --help", "nats help":
		fmt.Fprint(stdout, natsUsage)
		return 0
	case "nats keys":
		fs.StringVar(&out, "out", "", "folder of the seeds (created, mode 0700)")
	case "nats config":
		fs.StringVar(&out, "keys", "", "folder of the users' keys")
	case "nats stream":
	default:
		fmt.Fprintf(stderr, "hubctl: lệnh không rõ / unknown command %q\n\n%s", cmd, natsUsage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "hubctl %s: thao tác thất bại / the operation failed\n  (%v)\n", cmd, err)
		return 1
	}
	if cmd == "nats keys" {
		if out == "" {
			fmt.Fprintf(stderr, "hubctl %s: thiếu --out / --out is required\n", cmd)
			return 2
		}
		if err := natsKeys(out, stdout); err != nil {
			return fail(err)
		}
		return 0
	}
	if cmd == "nats config" {
		if out == "" {
			fmt.Fprintf(stderr, "hubctl %s: thiếu --keys / --keys is required\n", cmd)
			return 2
		}
		tenants, err := natsauth.TenantKeys(out)
		if err != nil {
			return fail(err)
		}
		fmt.Fprint(stdout, natsserver.Authorization(tenants))
		return 0
	}
	env, err := readStreamEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "hubctl %s: %v\n", cmd, err)
		return 2
	}
	if err := natsStream(ctx, env, stdout); err != nil {
		return fail(err)
	}
	return 0
}

// natsKeys creates the seeds of the hub's NATS users in dir, keeping those
// there, and prints their public keys (only: the seeds stay in their files).
func natsKeys(dir string, stdout io.Writer) error {
	if err := natsauth.EnsureSeeds(dir); err != nil {
		return err
	}
	for _, r := range natsauth.Roles {
		pub, err := natsauth.PublicKey(natsauth.SeedFile(dir, r))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s=%s\n", r.PublicKeyVariable(), pub)
	}
	return nil
}

// streamEnv is the environment of `hubctl nats stream`.
type streamEnv struct {
	url, seed, ca string
	replicas      int
}

func readStreamEnv(getenv func(string) string) (streamEnv, error) {
	e := streamEnv{url: getenv("NATS_URL"), seed: getenv("NATS_NKEY_FILE"), ca: getenv("NATS_CA_FILE"), replicas: 1}
	if e.url == "" {
		e.url = "nats://127.0.0.1:4222"
	}
	if e.seed == "" {
		return e, errors.New("chưa đặt NATS_NKEY_FILE (khóa của người dùng ops) / NATS_NKEY_FILE (the ops user's NKey seed) is not set")
	}
	if v := getenv("JETSTREAM_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return e, fmt.Errorf("JETSTREAM_REPLICAS phải là số từ 1 đến 5 / JETSTREAM_REPLICAS must be a number from 1 to 5, got %q", v)
		}
		e.replicas = n
	}
	return e, nil
}

// natsStream creates or updates the content and inbox streams as the ops
// user.
func natsStream(ctx context.Context, env streamEnv, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// NATS refuses a request the user may not make by an asynchronous
	// error, not an answer: stop waiting at once with that error.
	ctx, refused := context.WithCancelCause(ctx)
	nc, err := natsauth.Connect(env.url, natsauth.Ops, env.seed, env.ca, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		refused(err)
	}))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	for _, ensure := range []func(context.Context, jetstream.JetStream, int) (jetstream.Stream, error){events.EnsureContentStream, events.EnsureInboxStream} {
		s, err := ensure(ctx, js, env.replicas)
		if err != nil {
			if cause := context.Cause(ctx); cause != nil {
				err = cause
			}
			return err
		}
		c := s.CachedInfo().Config
		fmt.Fprintf(stdout, "Luồng %s sẵn sàng / stream %s ready: subjects %v, %d replicas, duplicate window %s\n",
			c.Name, c.Name, c.Subjects, c.Replicas, c.Duplicates)
	}
	return nil
}
