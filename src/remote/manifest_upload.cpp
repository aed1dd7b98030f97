#include "remote/manifest_upload.h"

#include "util/error.h"

namespace venv2docker {

HttpResponse put_manifest(RegistrySession& session, const Reference& destination, const std::string& target,
                  const std::string& raw, const std::string& media_type, const Digest& digest,
                  const std::string& where) {
  RegistryRequest request;
  request.method = "PUT";
  request.target = "/v2/" + destination.repository + "/manifests/" + target;
  request.headers = {"Content-Type: " + media_type};
  request.body = RequestBody{raw, std::nullopt, 0, 0};
  request.max_body = std::size_t{1} << 20;
  HttpResponse response = session.send(request);
  if (response.status != 201 && response.status != 200 && response.status != 202) {
    session.fail(request, response, "cannot push the manifest of " + where);
  }
  if (auto said = response.headers.get("docker-content-digest"); said && *said != digest.str()) {
    throw Error("registry " + destination.registry + " stored the manifest of " + where + " as " + *said +
                ", but its digest is " + digest.str());
  }
  return response;
}

}  // namespace venv2docker
