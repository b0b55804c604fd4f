package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/stafftext"
)

// The admin API: the commands about tenants, credentials, compliance and
// the audit log talk to the aggregator's OpsService (AGGREGATOR_OPS_ADDR)
// as the ops account that logged in (`hubctl login`), never to the
// database.

// defaultAddr is the aggregator's OpsService on a development machine.
const defaultAddr = "127.0.0.1:9445"

// Exit statuses of the API commands, beyond 0 done, 1 failed, 2 misused,
// 3 audit log broken.
const (
	exitLogin  = 4 // not logged in, or the session ended: hubctl login
	exitDenied = 5 // the account's role may not do this
)

// loginFile is what `hubctl login` keeps: where the API is, how to trust
// it, and the bearer token (mode 0600).
type loginFile struct {
	Addr      string    `json:"addr"`
	CAFile    string    `json:"ca_file,omitempty"`
	Login     string    `json:"login"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// tokenPath is the login file: HUBCTL_TOKEN_FILE, else
// <user config dir>/portalhub/hubctl-login.json.
func tokenPath(getenv func(string) string) (string, error) {
	if p := getenv("HUBCTL_TOKEN_FILE"); p != "" {
		return p, nil
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			d, err := os.UserConfigDir()
			if err != nil {
				return "", fmt.Errorf("no config folder for the login: set HUBCTL_TOKEN_FILE (%w)", err)
			}
			return filepath.Join(d, "portalhub", "hubctl-login.json"), nil
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "portalhub", "hubctl-login.json"), nil
}

func readLoginFile(path string) (loginFile, error) {
	var lf loginFile
	b, err := os.ReadFile(path)
	if err != nil {
		return lf, err
	}
	return lf, json.Unmarshal(b, &lf)
}

// writeLoginFile writes the login file with mode 0600, in a folder of mode
// 0700, replacing it whole.
func writeLoginFile(path string, lf loginFile) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(lf, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// apiFlags are the flags every API command takes.
type apiFlags struct {
	addr, ca string
}

func declareAPIFlags(fs *flag.FlagSet, getenv func(string) string) *apiFlags {
	f := &apiFlags{}
	fs.StringVar(&f.addr, "addr", getenv("HUBCTL_ADDR"), "the aggregator's OpsService, host:port (default $HUBCTL_ADDR, the login's, or "+defaultAddr+")")
	fs.StringVar(&f.ca, "ca", getenv("HUBCTL_CA"), "CA file of the aggregator's certificate (default $HUBCTL_CA, the login's, or the system's; make run: var/tls/ca.pem)")
	return f
}

// connect dials the OpsService: addr and CA from the flags, else the login
// file's, else the defaults.
func (f *apiFlags) connect(lf loginFile) (*grpc.ClientConn, string, string, error) {
	addr, ca := f.addr, f.ca
	if addr == "" {
		addr = lf.Addr
	}
	if addr == "" {
		addr = defaultAddr
	}
	if ca == "" {
		ca = lf.CAFile
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		abs, err := filepath.Abs(ca)
		if err != nil {
			return nil, "", "", err
		}
		ca = abs
		if cfg, err = devtls.ClientTLS(ca); err != nil {
			return nil, "", "", usageError{fmt.Errorf("--ca / HUBCTL_CA: %w", err)}
		}
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
	if err != nil {
		return nil, "", "", usageError{fmt.Errorf("--addr %q: %w", addr, err)}
	}
	return conn, addr, ca, nil
}

// openAPI connects an API command: the token from HUBCTL_TOKEN or the
// login file, and the context that carries it.
func (s *session) openAPI(ctx context.Context) (context.Context, func(), error) {
	path, err := tokenPath(s.getenv)
	if err != nil {
		return nil, nil, err
	}
	lf, ferr := readLoginFile(path)
	token := s.getenv("HUBCTL_TOKEN")
	if token == "" {
		token = lf.Token
	}
	if token == "" {
		if ferr != nil && !errors.Is(ferr, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("login file %s: %w", path, ferr)
		}
		return nil, nil, errNotLoggedIn
	}
	conn, _, _, err := s.api.connect(lf)
	if err != nil {
		return nil, nil, err
	}
	s.ops = pb.NewOpsServiceClient(conn)
	if token == lf.Token && s.name != "logout" {
		token = s.refresh(ctx, path, lf)
	}
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	return ctx, func() { conn.Close() }, nil
}

// refreshWhenLeft: a login file's token with less than this left (a
// quarter of its hour) is exchanged for a new one before the command runs.
const refreshWhenLeft = 15 * time.Minute

// refresh renews the login file's token when it ends within
// refreshWhenLeft and returns the token to use. A token already ended, or
// one the API will not renew, is used as it is: the command then says to
// log in again, and a login 12 hours old gets a note of when it ends.
func (s *session) refresh(ctx context.Context, path string, lf loginFile) string {
	left := time.Until(lf.ExpiresAt)
	if lf.ExpiresAt.IsZero() || left <= 0 || left > refreshWhenLeft {
		return lf.Token
	}
	r, err := s.ops.RefreshToken(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+lf.Token), &pb.RefreshTokenRequest{})
	if err != nil {
		fmt.Fprintf(s.stderr, "lưu ý: phiên đăng nhập kết thúc lúc %s và không gia hạn được; hãy chạy `hubctl login` / note: the session ends at %s and was not renewed (%s); run `hubctl login`\n",
			vnTime(lf.ExpiresAt), lf.ExpiresAt.UTC().Format(time.RFC3339), status.Convert(err).Message())
		return lf.Token
	}
	lf.Token, lf.ExpiresAt = r.GetToken(), r.GetExpiresAt().AsTime()
	if err := writeLoginFile(path, lf); err != nil {
		// The old token has ended: this run uses the new one, the next
		// must log in again.
		fmt.Fprintf(s.stderr, "hubctl: không lưu được phiên mới vào %s / cannot keep the renewed session in %s: %v\n", path, path, err)
	}
	return lf.Token
}

// errNotLoggedIn: an API command without a token (exit status 4).
var errNotLoggedIn = errors.New("chưa đăng nhập: chạy `hubctl login` (hoặc đặt HUBCTL_TOKEN) / not logged in: run `hubctl login` (or set HUBCTL_TOKEN)")

// apiExit prints an error of the OpsService for a person and returns the
// exit status: 4 unauthenticated (log in again), 5 refused by role or for a
// tenant credential, 2 an argument the API refused, 1 anything else.
func apiExit(name string, err error, stderr interface{ Write([]byte) (int, error) }) (int, bool) {
	if errors.Is(err, errNotLoggedIn) {
		fmt.Fprintf(stderr, "hubctl %s: %v\n", name, err)
		return exitLogin, true
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.OK {
		return 0, false
	}
	vi, reason := "", ""
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.LocalizedMessage:
			vi = d.GetMessage()
		case *errdetails.ErrorInfo:
			reason = d.GetReason()
		}
	}
	msg := st.Message()
	if vi != "" {
		msg = vi + " / " + msg
	}
	if st.Code() == codes.Unavailable && vi == "" {
		msg = "không kết nối được API quản trị (HUBCTL_ADDR, --addr, --ca?) / cannot reach the admin API: " + msg
	}
	fmt.Fprintf(stderr, "hubctl %s: %s\n", name, msg)
	switch {
	case st.Code() == codes.Unauthenticated && reason != "OPS_BAD_CREDENTIALS":
		fmt.Fprintln(stderr, "  (hubctl login)")
		return exitLogin, true
	case st.Code() == codes.PermissionDenied:
		return exitDenied, true
	case st.Code() == codes.InvalidArgument:
		return 2, true
	}
	return 1, true
}

// loginCmd is `hubctl login`: it asks the OpsService for a bearer token
// and keeps it, with the address and CA, in the login file (mode 0600).
func loginCmd(fs *flag.FlagSet) action {
	login := fs.String("login", "", "the ops account's login (default $HUBCTL_LOGIN, or the last one)")
	return func(ctx context.Context, s *session) error {
		path, err := tokenPath(s.getenv)
		if err != nil {
			return err
		}
		prev, _ := readLoginFile(path)
		who := *login
		if who == "" {
			who = s.getenv("HUBCTL_LOGIN")
		}
		if who == "" {
			who = prev.Login
		}
		if who == "" {
			return usageError{errors.New("thiếu --login / --login is required")}
		}
		pw, err := readSecret(s.stdin, s.stderr, false)
		if err != nil {
			return usageError{err}
		}
		conn, addr, ca, err := s.api.connect(prev)
		if err != nil {
			return err
		}
		defer conn.Close()
		resp, err := pb.NewOpsServiceClient(conn).Login(ctx, &pb.LoginRequest{Login: who, Password: pw})
		if err != nil {
			return err
		}
		lf := loginFile{Addr: addr, CAFile: ca, Login: resp.GetAccount().GetLogin(), Token: resp.GetToken(), ExpiresAt: resp.GetExpiresAt().AsTime()}
		if err := writeLoginFile(path, lf); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã đăng nhập %s (%s) vào %s, phiên đến %s; lưu tại %s / logged in as %s (%s) until %s\n",
			lf.Login, resp.GetAccount().GetRole(), addr, vnTime(lf.ExpiresAt), path, lf.Login, resp.GetAccount().GetRole(), lf.ExpiresAt.UTC().Format(time.RFC3339))
		return nil
	}
}

// logoutCmd is `hubctl logout`: it revokes the token and removes it.
func logoutCmd(*flag.FlagSet) action {
	return func(ctx context.Context, s *session) error {
		if _, err := s.ops.Logout(ctx, &pb.LogoutRequest{}); err != nil {
			return err
		}
		path, err := tokenPath(s.getenv)
		if err != nil {
			return err
		}
		if lf, err := readLoginFile(path); err == nil {
			lf.Token, lf.ExpiresAt = "", time.Time{}
			if err := writeLoginFile(path, lf); err != nil {
				return err
			}
		}
		fmt.Fprintln(s.stdout, "Đã đăng xuất / logged out")
		return nil
	}
}

// whoamiCmd is `hubctl whoami`.
func whoamiCmd(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write JSON")
	return func(ctx context.Context, s *session) error {
		w, err := s.ops.Whoami(ctx, &pb.WhoamiRequest{})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, w)
		}
		a := w.GetAccount()
		fmt.Fprintf(s.stdout, "%s (%s), %s; phiên đến / session until %s\n", a.GetLogin(), a.GetDisplayName(), a.GetRole(), vnTime(w.GetExpiresAt().AsTime()))
		return nil
	}
}

func vnTime(t time.Time) string { return t.In(stafftext.Zone).Format("2006-01-02 15:04 GMT+7") }

func tsString(t interface{ AsTime() time.Time }, valid bool) string {
	if !valid {
		return "-"
	}
	return t.AsTime().In(stafftext.Zone).Format("2006-01-02 15:04")
}

// answer ends a command run with --json (or failed): err, else the API's
// answer as writeProto writes it.
func answer(s *session, m proto.Message, err error) error {
	if err != nil {
		return err
	}
	return writeProto(s, m)
}

// writeProto writes an answer of the API as JSON, with the contract's
// field names and every field, so scripts can rely on them.
func writeProto(s *session, m proto.Message) error {
	b, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true, Multiline: true, Indent: "  "}.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(s.stdout, string(b))
	return err
}
