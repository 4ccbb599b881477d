// MARK: - OpenAPI document

/// The issuer API's OpenAPI 3.1 description, served at `/v1/openapi.json`.
public enum RegistryOpenAPI {
    public static let json = #"""
        {
         "components": {
          "responses": {
           "Error": {
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            },
            "description": "An error",
            "headers": {
             "Retry-After": {
              "description": "On 429",
              "schema": {
               "type": "integer"
              }
             }
            }
           }
          },
          "schemas": {
           "ChallengeRequest": {
            "additionalProperties": false,
            "properties": {
             "address": {
              "type": "string"
             }
            },
            "required": [
             "address"
            ],
            "type": "object"
           },
           "ChallengeResponse": {
            "additionalProperties": false,
            "properties": {
             "expiresAt": {
              "type": "integer"
             },
             "message": {
              "type": "string"
             }
            },
            "required": [
             "message",
             "expiresAt"
            ],
            "type": "object"
           },
           "CodeRequest": {
            "additionalProperties": false,
            "properties": {
             "code": {
              "type": "string"
             }
            },
            "required": [
             "code"
            ],
            "type": "object"
           },
           "EnrollmentResponse": {
            "additionalProperties": false,
            "properties": {
             "otpauthUri": {
              "type": "string"
             },
             "qrSvg": {
              "type": "string"
             }
            },
            "required": [
             "otpauthUri",
             "qrSvg"
            ],
            "type": "object"
           },
           "Error": {
            "additionalProperties": false,
            "properties": {
             "error": {
              "additionalProperties": false,
              "properties": {
               "code": {
                "enum": [
                 "invalid_request",
                 "sign_in_failed",
                 "unauthenticated",
                 "not_enrolled",
                 "already_enrolled",
                 "invalid_code",
                 "rate_limited",
                 "unknown_request",
                 "request_expired",
                 "request_blocked",
                 "salt_already_released",
                 "request_not_on_chain",
                 "chain_unavailable",
                 "storage_error",
                 "internal_error"
                ],
                "type": "string"
               },
               "message": {
                "type": "string"
               },
               "retryAfterSeconds": {
                "type": "integer"
               }
              },
              "required": [
               "code",
               "message"
              ],
              "type": "object"
             }
            },
            "required": [
             "error"
            ],
            "type": "object"
           },
           "IssueRequest": {
            "additionalProperties": false,
            "properties": {
             "scope": {
              "pattern": "^[a-z0-9._:-]{1,64}$",
              "type": "string"
             }
            },
            "required": [
             "scope"
            ],
            "type": "object"
           },
           "IssueResponse": {
            "additionalProperties": false,
            "properties": {
             "expiry": {
              "type": "integer"
             },
             "requestId": {
              "type": "string"
             },
             "step": {
              "type": "integer"
             },
             "stepEndsAt": {
              "type": "integer"
             },
             "transactionHash": {
              "type": "string"
             }
            },
            "required": [
             "requestId",
             "expiry",
             "step",
             "stepEndsAt",
             "transactionHash"
            ],
            "type": "object"
           },
           "SaltResponse": {
            "additionalProperties": false,
            "properties": {
             "requestId": {
              "type": "string"
             },
             "salt": {
              "type": "string"
             }
            },
            "required": [
             "requestId",
             "salt"
            ],
            "type": "object"
           },
           "SessionResponse": {
            "additionalProperties": false,
            "properties": {
             "address": {
              "type": "string"
             },
             "expiresAt": {
              "type": "integer"
             },
             "token": {
              "type": "string"
             }
            },
            "required": [
             "token",
             "address",
             "expiresAt"
            ],
            "type": "object"
           },
           "VerifyRequest": {
            "additionalProperties": false,
            "properties": {
             "message": {
              "type": "string"
             },
             "signature": {
              "type": "string"
             }
            },
            "required": [
             "message",
             "signature"
            ],
            "type": "object"
           }
          },
          "securitySchemes": {
           "bearerAuth": {
            "scheme": "bearer",
            "type": "http"
           }
          }
         },
         "info": {
          "description": "Issues salted OTP commitments to OTPRegistry.vy (docs/registry.md). The salt is released only against the request's code.",
          "title": "Chronoguard OTP registry issuer",
          "version": "1.0.0"
         },
         "openapi": "3.1.0",
         "paths": {
          "/healthz": {
           "get": {
            "responses": {
             "200": {
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "summary": "Liveness"
           }
          },
          "/metrics": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "description": "text/plain"
             }
            },
            "summary": "Prometheus metrics"
           }
          },
          "/v1/auth/challenge": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/ChallengeRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ChallengeResponse"
                }
               }
              },
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "summary": "A Sign-In with Ethereum (EIP-4361) message with a single-use nonce"
           }
          },
          "/v1/auth/verify": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/VerifyRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/SessionResponse"
                }
               }
              },
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "summary": "Trade the signed message for a bearer session"
           }
          },
          "/v1/enrollment": {
           "post": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/EnrollmentResponse"
                }
               }
              },
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "security": [
             {
              "bearerAuth": []
             }
            ],
            "summary": "The authenticator's otpauth URI and QR code (pending until confirmed)"
           }
          },
          "/v1/enrollment/confirm": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CodeRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "204": {
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "security": [
             {
              "bearerAuth": []
             }
            ],
            "summary": "Confirm the enrollment with a first code"
           }
          },
          "/v1/openapi.json": {
           "get": {
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              },
              "description": "OpenAPI"
             }
            },
            "summary": "This document"
           }
          },
          "/v1/requests": {
           "post": {
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/IssueRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "201": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/IssueResponse"
                }
               }
              },
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "security": [
             {
              "bearerAuth": []
             }
            ],
            "summary": "Issue a request for an action scope: setOtp on chain; never the salt"
           }
          },
          "/v1/requests/{id}/salt": {
           "post": {
            "parameters": [
             {
              "in": "path",
              "name": "id",
              "required": true,
              "schema": {
               "pattern": "^0x[0-9a-fA-F]{64}$",
               "type": "string"
              }
             }
            ],
            "requestBody": {
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/CodeRequest"
               }
              }
             },
             "required": true
            },
            "responses": {
             "200": {
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/SaltResponse"
                }
               }
              },
              "description": "OK"
             },
             "default": {
              "$ref": "#/components/responses/Error"
             }
            },
            "security": [
             {
              "bearerAuth": []
             }
            ],
            "summary": "Release the request's salt against its code (3 tries)"
           }
          }
         }
        }
        """#
}
