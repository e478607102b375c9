"""A user's client of modelparity-java serve through stock tritonclient (KServe's Open
Inference Protocol): python triton_client.py URL MODEL PICTURE... sends the picture files as
encoded bytes and prints path, label and probability a picture, as python -m python.predict
prints them for a softmax model (the label's probability)."""

import sys
from urllib.parse import urlsplit

import numpy as np
import tritonclient.http as triton  # pip install "tritonclient[http]"


def main(url: str, model: str, pictures: list[str]) -> None:
    client = triton.InferenceServerClient(urlsplit(url).netloc)
    files = triton.InferInput("picture_file", [len(pictures)], "BYTES")
    files.set_data_from_numpy(np.array([open(p, "rb").read() for p in pictures], dtype=object))
    outputs = [triton.InferRequestedOutput("label"), triton.InferRequestedOutput("probabilities")]
    answer = client.infer(model, [files], outputs=outputs)
    labels, probabilities = answer.as_numpy("label"), answer.as_numpy("probabilities")
    for picture, label, row in zip(pictures, labels, probabilities, strict=True):
        print(f"{picture}\t{label.decode()}\t{row.max():.6f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
