"""The sandbox AWS: a moto server, the request-path model, the data plane and the learner gateway."""
