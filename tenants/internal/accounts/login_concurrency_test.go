package accounts

import (
	"context"
	"errors"
	"github.com/portalhub/portalhub/services/password"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// heldHashes makes the fixture's password hashes wait, once running and
// holding their memory, until release is closed; entered receives one value
// per hash as it starts. The first hold hashes wait, later ones run through.
type heldHashes struct {
	started atomic.Int32
	entered chan struct{}
	release chan struct{}
}

func holdHashes(f *fixture, hold int32) *heldHashes {
	h := &heldHashes{entered: make(chan struct{}, 100), release: make(chan struct{})}
	f.beforeHash = func() {
		n := h.started.Add(1)
		h.entered <- struct{}{}
		if n <= hold {
			<-h.release
		}
	}
	return h
}

type attempt struct {
	password string
	acc      Account
	err      error
}

// loginAll runs one login of username per password, all at once, and
// returns their results in no particular order on a channel.
func loginAll(f *fixture, username string, passwords []string) <-chan attempt {
	out := make(chan attempt, len(passwords))
	for _, pw := range passwords {
		go func() {
			acc, err := f.Login(context.Background(), username, pw)
			out <- attempt{pw, acc, err}
		}()
	}
	return out
}

// TestLockoutIsExactUnderConcurrency is the regression test of issue 6 B11:
// 11 attempts at once, one with the right password, against a limit of 5
// consecutive failures. At most 5 passwords are checked; the others are
// refused as locked without being checked; the right password logs in only
// if it was one of the 5 checked, and otherwise the account is locked.
func TestLockoutIsExactUnderConcurrency(t *testing.T) {
	const attempts = 11
	for round := range 3 {
		f := newFixture(t)
		f.mustCreate(t, "le.thi.hoa", RoleAuthor)
		right := goodPassword + "le.thi.hoa"
		passwords := []string{right}
		for i := 1; i < attempts; i++ {
			passwords = append(passwords, "sai mat khau "+string(rune('a'+i)))
		}
		h := holdHashes(f, attempts)
		results := loginAll(f, "le.thi.hoa", passwords)

		// Every attempt is either being checked (held) or already answered.
		var answered []attempt
		checked := 0
		for checked+len(answered) < attempts {
			select {
			case <-h.entered:
				checked++
			case a := <-results:
				answered = append(answered, a)
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: %d checked, %d answered of %d attempts", round, checked, len(answered), attempts)
			}
		}
		if checked > maxFailures {
			t.Fatalf("round %d: %d passwords checked at once, want at most %d", round, checked, maxFailures)
		}
		close(h.release)
		for len(answered) < attempts {
			answered = append(answered, <-results)
		}

		loggedIn, rightChecked := 0, false
		for _, a := range answered {
			switch {
			case a.err == nil:
				loggedIn++
				if a.password != right {
					t.Errorf("round %d: logged in with a wrong password", round)
				}
			case errors.Is(a.err, ErrLocked), errors.Is(a.err, ErrBadCredentials):
			default:
				t.Errorf("round %d: attempt answered %v", round, a.err)
			}
			if a.password == right && !errors.Is(a.err, ErrLocked) {
				rightChecked = true
			}
		}
		if got := h.started.Load(); got != maxFailures {
			t.Errorf("round %d: %d passwords checked, want exactly %d", round, got, maxFailures)
		}
		if loggedIn > 1 || (loggedIn == 1) != rightChecked {
			t.Errorf("round %d: %d logins, right password checked %v", round, loggedIn, rightChecked)
		}
		if loggedIn == 0 {
			if _, err := f.Login(context.Background(), "le.thi.hoa", right); !errors.Is(err, ErrLocked) {
				t.Errorf("round %d: after 5 failures the right password answers %v, want ErrLocked", round, err)
			}
		}
	}
}

// TestLockedWhileLimitInFlight: while 5 wrong passwords are being checked,
// the right one is refused as locked without being checked, and stays
// refused once they have failed.
func TestLockedWhileLimitInFlight(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	right := goodPassword + "le.thi.hoa"
	h := holdHashes(f, maxFailures)
	wrong := make([]string, maxFailures)
	for i := range wrong {
		wrong[i] = "sai mat khau " + string(rune('a'+i))
	}
	results := loginAll(f, "le.thi.hoa", wrong)
	for range maxFailures {
		<-h.entered
	}
	if _, err := f.Login(ctx, "le.thi.hoa", right); !errors.Is(err, ErrLocked) {
		t.Errorf("right password while 5 attempts are checked: %v, want ErrLocked", err)
	}
	if got := h.started.Load(); got != maxFailures {
		t.Errorf("%d passwords checked, want %d: the 6th attempt was checked", got, maxFailures)
	}
	close(h.release)
	locked := 0
	for range maxFailures {
		a := <-results
		if errors.Is(a.err, ErrLocked) {
			locked++
		} else if !errors.Is(a.err, ErrBadCredentials) {
			t.Errorf("wrong password: %v", a.err)
		}
	}
	if locked != 1 {
		t.Errorf("%d of the 5 failures answered ErrLocked, want the last one only", locked)
	}
	if _, err := f.Login(ctx, "le.thi.hoa", right); !errors.Is(err, ErrLocked) {
		t.Errorf("right password after 5 failures: %v, want ErrLocked", err)
	}
}

// TestBusyBeyondHashMemory: attempts beyond the memory password hashing may
// take are answered ErrBusy (429, with when to retry), at once, and are not
// counted against the account.
func TestBusyBeyondHashMemory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.mustCreate(t, "le.thi.hoa", RoleAuthor)
	f.gate = password.NewGate(2*int64(testParams.Memory), 0) // two hashes at once
	h := holdHashes(f, 2)
	held := loginAll(f, "le.thi.hoa", []string{"sai mat khau 1", "sai mat khau 2"})
	<-h.entered
	<-h.entered

	const extra = 6
	var wg sync.WaitGroup
	var busy atomic.Int32
	for range extra {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.Login(ctx, "le.thi.hoa", goodPassword+"le.thi.hoa")
			if !errors.Is(err, ErrBusy) {
				t.Errorf("login beyond the hashing memory: %v, want ErrBusy", err)
				return
			}
			if e := errs.As(err); e == nil || errs.HTTPStatus(e.Kind) != 429 || e.MessageVI == "" {
				t.Errorf("ErrBusy %v: want HTTP 429 with a Vietnamese message", err)
			}
			if d, ok := RetryAfter(err); !ok || d <= 0 {
				t.Errorf("ErrBusy does not say when to retry")
			}
			busy.Add(1)
		}()
	}
	wg.Wait()
	close(h.release)
	<-held
	<-held
	if busy.Load() != extra {
		t.Errorf("%d of %d attempts beyond the memory were busy", busy.Load(), extra)
	}
	var failures int
	if err := f.pool.QueryRow(ctx, `SELECT failures FROM login_throttle WHERE username = 'le.thi.hoa'`).Scan(&failures); err != nil {
		t.Fatal(err)
	}
	if failures != 2 {
		t.Errorf("failures counted = %d, want 2: busy attempts are not checked and not counted", failures)
	}
}
