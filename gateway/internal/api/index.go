package api

import "github.com/gin-gonic/gin"

// The index (/api/v1/) names the API's resources, its OpenAPI document and
// its page for developers.

type indexJSON struct {
	Name      string            `json:"name"`
	OpenAPI   string            `json:"openapi"`
	Docs      map[string]string `json:"docs"`
	Resources map[string]string `json:"resources"`
}

func registerIndex(s *Server, r gin.IRoutes) {
	s.get(r, "/", func(c *gin.Context) (any, error) {
		if err := newParams(c.Request.URL.Query()).err(); err != nil {
			return nil, err
		}
		o := s.cfg.Links.Origin(c.Request)
		out := indexJSON{Name: "portalhub open data API", OpenAPI: o + Prefix + "/openapi.json", Docs: map[string]string{},
			Resources: map[string]string{}}
		for _, l := range []string{"vi", "en", "ru"} {
			out.Docs[l] = o + "/" + l + "/developers"
		}
		for _, name := range s.names {
			out.Resources[name] = o + Prefix + "/" + name
		}
		return out, nil
	})
}
