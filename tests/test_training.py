"""Training: a seed repeats a run, class weights balance, the best epoch is the one kept."""

from __future__ import annotations

import numpy as np

from python.data.datasets import load_folder
from python.training.fit import TrainingConfig, balanced_class_weight, train
from tests.pictures import grey, make_folder


def test_class_weights_make_classes_count_equally():
    y = np.array([0] * 78 + [1] * 22)
    w = balanced_class_weight(y)
    assert abs(w[0] * 78 - w[1] * 22) < 1e-9 and w[1] > w[0]


def test_same_seed_same_model_and_best_epoch_kept(tmp_path):
    data = load_folder(make_folder(tmp_path / "d", {"0": 40, "1": 40}), grey(16))
    a = train(data, TrainingConfig(epochs=3, batch_size=16, seed=3, image_size=16))
    b = train(data, TrainingConfig(epochs=3, batch_size=16, seed=3, image_size=16))
    c = train(data, TrainingConfig(epochs=3, batch_size=16, seed=4, image_size=16))
    same = [np.array_equal(x, y) for x, y in zip(a.model.get_weights(), b.model.get_weights(),
                                                   strict=True)]
    assert all(same)
    assert not all(np.array_equal(x, y) for x, y in zip(a.model.get_weights(),
                                                          c.model.get_weights(), strict=True))
    assert a.best_epoch == int(np.argmin(a.history["val_loss"])) + 1
    assert a.device in ("CPU",) or a.device.startswith("GPU")


def test_mirror_averaged_model_answers_a_picture_and_its_mirror_alike(tmp_path):
    """The mean of the trained model's two answers, so a picture and its mirror image get the
    same probability; and it saves and loads in Keras's safe mode (no Lambda)."""
    from python.runtimes.loaders import keras_probabilities, load

    data = load_folder(make_folder(tmp_path / "d", {"0": 30, "1": 30}), grey(16))
    config = TrainingConfig(architecture="fast", epochs=2, batch_size=16, image_size=16)
    plain = train(data, config).model
    averaged = train(data, config.updated(mirror_average=True)).model
    x = data.test.x
    mirrored = x[:, :, ::-1, :]
    p = keras_probabilities(averaged, x)
    np.testing.assert_allclose(p, keras_probabilities(averaged, mirrored), atol=1e-6)
    expected = (keras_probabilities(plain, x) + keras_probabilities(plain, mirrored)) / 2
    np.testing.assert_allclose(p, expected, atol=1e-6)  # same seed: the same weights
    assert not np.allclose(keras_probabilities(plain, x), keras_probabilities(plain, mirrored))
    averaged.save(tmp_path / "model.keras")
    np.testing.assert_allclose(load("keras", tmp_path / "model.keras")(x), p,
                               atol=1e-6)


def test_a_keras_file_depends_on_the_model_only(tmp_path):
    """Keras stamps the time of saving into a .keras file; ours carry a fixed date, so two
    saves of one model a second apart are the same bytes, and the file still loads."""
    import time
    import zipfile

    import keras

    from python.training.saving import save_keras_file

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    save_keras_file(model, tmp_path / "a.keras")
    time.sleep(1.1)
    save_keras_file(model, tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.keras") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    loaded = keras.saving.load_model(tmp_path / "a.keras")
    x = np.ones((1, 4), np.float32)
    assert np.array_equal(loaded(x), model(x))
