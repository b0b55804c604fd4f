package portal

import (
	"encoding/xml"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
)

// openSearch answers /opensearch.xml, the OpenSearch description that lets
// a browser add the portal as a search engine (every page links it):
// searches open /{lang}/search?q=..., and /api/v1/search answers the same
// as JSON. ?lang= picks the language (default Vietnamese).
func (s *Server) openSearch(c *gin.Context) error {
	lang := c.Query("lang")
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	l := s.cfg.Catalog.For(lang)
	origin := s.ownOrigin(c.Request) // a tenant's host: its own searches
	type url struct {
		Type     string `xml:"type,attr"`
		Method   string `xml:"method,attr,omitempty"`
		Rel      string `xml:"rel,attr,omitempty"`
		Template string `xml:"template,attr"`
	}
	doc := struct {
		XMLName       xml.Name `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
		ShortName     string   `xml:"ShortName"`
		Description   string   `xml:"Description"`
		InputEncoding string   `xml:"InputEncoding"`
		Language      string   `xml:"Language"`
		URLs          []url    `xml:"Url"`
	}{
		ShortName: l.T("search.opensearch.short"), Description: l.T("search.opensearch.description"),
		InputEncoding: "UTF-8", Language: lang,
		URLs: []url{
			{Type: "text/html", Method: "get", Template: origin + "/" + lang + "/search?q={searchTerms}"},
			{Type: "application/json", Method: "get", Template: origin + "/api/v1/search?q={searchTerms}&page={startPage?}"},
			{Type: "application/opensearchdescription+xml", Rel: "self", Template: origin + "/opensearch.xml?lang=" + lang},
		},
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, "application/opensearchdescription+xml; charset=utf-8", append([]byte(xml.Header), append(b, '\n')...))
	return nil
}
