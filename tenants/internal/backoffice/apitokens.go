package backoffice

import (
	"net/http"
	"strconv"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
)

// tokenDays are the lives a personal API token may be given on the page.
var tokenDays = []int{30, 90, 180, 365}

// apiTokensData is the personal API tokens page's data.
type apiTokensData struct {
	Tokens []accounts.APIToken
	Now    time.Time
	Days   []int
	// Issued is the token just issued, shown this once.
	Issued string
	Name   string
	Chosen int
}

// apiTokensPage lists the signed-in account's personal API tokens (the
// JSON API acts as the account, with its roles) with a form to issue one.
func (s *Server) apiTokensPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAPITokens(w, r, http.StatusOK, &Page{}, apiTokensData{Chosen: 90})
}

func (s *Server) renderAPITokens(w http.ResponseWriter, r *http.Request, status int, p *Page, d apiTokensData) error {
	toks, err := s.cfg.Accounts.APITokens(r.Context(), current(r).Account.ID)
	if err != nil {
		return err
	}
	d.Tokens, d.Now, d.Days = toks, time.Now(), tokenDays
	p.Title, p.Data = s.loc(r).T("apitokens.title"), d
	return s.render(w, r, status, "apitokens", p)
}

// issueAPIToken issues a token to the signed-in account and shows it once.
func (s *Server) issueAPIToken(w http.ResponseWriter, r *http.Request) error {
	d := apiTokensData{Name: r.PostFormValue("name"), Chosen: 90}
	if n, err := strconv.Atoi(r.PostFormValue("days")); err == nil {
		d.Chosen = n
	}
	p := &Page{Errors: &FormErrors{}}
	valid := false
	for _, n := range tokenDays {
		valid = valid || n == d.Chosen
	}
	if !valid {
		p.Errors.Add("days", s.loc(r).T("apitokens.days_invalid"))
		return s.renderAPITokens(w, r, http.StatusBadRequest, p, d)
	}
	acc := current(r).Account
	_, secret, err := s.cfg.Accounts.IssueAPIToken(r.Context(), acc.Username, acc.ID, d.Name, time.Duration(d.Chosen)*24*time.Hour)
	if err != nil {
		if !s.addErr(r, p.Errors, err, nil) {
			return err
		}
		return s.renderAPITokens(w, r, http.StatusBadRequest, p, d)
	}
	// Shown in this answer only, never stored or redirected with: a
	// no-store answer so that no cache keeps it either.
	w.Header().Set("Cache-Control", "no-store")
	d.Issued, d.Name = secret, ""
	p.Notice = s.loc(r).T("apitokens.issued")
	return s.renderAPITokens(w, r, http.StatusOK, p, d)
}

// revokeAPIToken revokes one of the signed-in account's tokens.
func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return accounts.ErrNotFound
	}
	acc := current(r).Account
	if err := s.cfg.Accounts.RevokeAPIToken(r.Context(), acc.Username, acc.ID, id); err != nil {
		return err
	}
	return seeOther(w, r, "/ma-truy-cap-api", "api_token_revoked")
}
