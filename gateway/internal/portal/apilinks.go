package portal

import (
	"net/http"

	"github.com/portalhub/portalhub/gateway/internal/api"
)

// apiLinks makes the portal's URLs for the open API's answers.
type apiLinks struct{ s *Server }

var _ api.Links = apiLinks{}

func (l apiLinks) Origin(r *http.Request) string { return l.s.origin(r) }

func (l apiLinks) Page(r *http.Request, lang, tenant, rest string) string {
	return l.s.pageLinks(r).tenantPage(lang, tenant, rest)
}

func (l apiLinks) File(r *http.Request, tenant, contentID, sha string) string {
	return l.s.origin(r) + "/files/" + tenant + "/" + contentID + "/" + sha
}
