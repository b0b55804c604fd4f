// Package config reads a service's settings from environment variables, in
// one place, each with a default and a one-line doc. `--help` prints them and
// the effective configuration is logged at start-up with secrets redacted.
//
//	var cfg struct{ Addr string; DatabaseURL string }
//	set := config.New("aggregator", "receives content from sub-portals")
//	set.String(&cfg.Addr, "AGGREGATOR_GRPC_ADDR", "127.0.0.1:9443", "gRPC listen address (port 0 picks one)")
//	set.Secret(&cfg.DatabaseURL, "DATABASE_URL", "", "hub PostgreSQL URL")
//	set.MustParse(os.Args[1:])
package config

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Set is the settings of one program.
type Set struct {
	program, doc string
	vars         []*variable
}

type variable struct {
	name, def, doc string
	secret         bool
	set            func(string) error
	value          func() string
}

// New starts the settings of a program.
func New(program, doc string) *Set { return &Set{program: program, doc: doc} }

func (s *Set) add(v *variable) { s.vars = append(s.vars, v) }

// String declares a string setting.
func (s *Set) String(p *string, name, def, doc string) {
	s.add(&variable{name: name, def: def, doc: doc,
		set: func(x string) error { *p = x; return nil }, value: func() string { return *p }})
}

// Secret declares a string setting whose value is never printed. URLs keep
// everything but their password.
func (s *Set) Secret(p *string, name, def, doc string) {
	s.String(p, name, def, doc)
	s.vars[len(s.vars)-1].secret = true
}

// Int declares an integer setting.
func (s *Set) Int(p *int, name string, def int, doc string) {
	s.add(&variable{name: name, def: strconv.Itoa(def), doc: doc,
		set: func(x string) error {
			n, err := strconv.Atoi(x)
			if err != nil {
				return fmt.Errorf("not a whole number: %q", x)
			}
			*p = n
			return nil
		}, value: func() string { return strconv.Itoa(*p) }})
}

// Bool declares a boolean setting ("true", "1", "false", "0").
func (s *Set) Bool(p *bool, name string, def bool, doc string) {
	s.add(&variable{name: name, def: strconv.FormatBool(def), doc: doc,
		set: func(x string) error {
			b, err := strconv.ParseBool(x)
			if err != nil {
				return fmt.Errorf("not true or false: %q", x)
			}
			*p = b
			return nil
		}, value: func() string { return strconv.FormatBool(*p) }})
}

// Duration declares a duration setting ("500ms", "2s", "5m").
func (s *Set) Duration(p *time.Duration, name string, def time.Duration, doc string) {
	s.add(&variable{name: name, def: def.String(), doc: doc,
		set: func(x string) error {
			d, err := time.ParseDuration(x)
			if err != nil {
				return fmt.Errorf("not a duration such as 2s: %q", x)
			}
			*p = d
			return nil
		}, value: func() string { return p.String() }})
}

// Parse applies defaults, then the environment. args may hold -h or --help,
// which prints the documentation and returns ErrHelp.
func (s *Set) Parse(args []string, env func(string) (string, bool)) error {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return ErrHelp
		}
	}
	var problems []string
	for _, v := range s.vars {
		if err := v.set(v.def); err != nil {
			return fmt.Errorf("default of %s: %w", v.name, err)
		}
		if x, ok := env(v.name); ok {
			if err := v.set(x); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", v.name, err))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("bad configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

// ErrHelp is returned by Parse when help was asked for.
var ErrHelp = fmt.Errorf("help requested")

// MustParse parses the environment; on --help it prints the documentation
// and exits 0, on a bad value it prints the problem and exits 2.
func (s *Set) MustParse(args []string) {
	switch err := s.Parse(args, os.LookupEnv); err {
	case nil:
	case ErrHelp:
		s.Usage(os.Stdout)
		os.Exit(0)
	default:
		fmt.Fprintf(os.Stderr, "%s: %v\n", s.program, err)
		os.Exit(2)
	}
}

// Usage writes the documentation of every setting.
func (s *Set) Usage(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nConfigured by environment variables:\n", s.program, s.doc)
	for _, v := range s.vars {
		def := v.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  %-28s %s (default %s)\n", v.name, v.doc, def)
	}
}

// Log writes the effective configuration, secrets redacted.
func (s *Set) Log(log zerolog.Logger) {
	d := zerolog.Dict()
	names := make([]string, 0, len(s.vars))
	byName := map[string]*variable{}
	for _, v := range s.vars {
		names = append(names, v.name)
		byName[v.name] = v
	}
	sort.Strings(names)
	for _, n := range names {
		v := byName[n]
		val := v.value()
		if v.secret {
			val = Redact(val)
		}
		d.Str(n, val)
	}
	log.Info().Dict("config", d).Msg("configuration")
}

// Redact hides a secret: a URL keeps its scheme, host and path but loses its
// password; anything else becomes "***" (or stays empty).
func Redact(v string) string {
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "***")
		} else if u.User != nil && (u.Scheme == "nats" || u.Scheme == "tls") {
			u.User = url.User("***") // nats://TOKEN@host: the user is the secret
		}
		u.RawQuery = ""
		return u.String()
	}
	return "***"
}
