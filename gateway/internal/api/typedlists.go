package api

import "github.com/gin-gonic/gin"

// The typed lists are the items of one kind, with the same parameters as
// /items (but kind) and the kind's details typed in the document
// (openapi/legal_documents.json, public_services.json, datasets.json).

func registerLegalDocuments(s *Server, r gin.IRoutes) {
	s.get(r, "/legal-documents", func(c *gin.Context) (any, error) { return s.items(c, "legal_document") })
}

func registerPublicServices(s *Server, r gin.IRoutes) {
	s.get(r, "/public-services", func(c *gin.Context) (any, error) { return s.items(c, "public_service") })
}

func registerDatasets(s *Server, r gin.IRoutes) {
	s.get(r, "/datasets", func(c *gin.Context) (any, error) { return s.items(c, "dataset") })
}
