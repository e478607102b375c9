package io.github.modelparity.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;
import org.junit.Test;

/** How the job cuts its pictures into tasks, and which file names it reads by default. */
public class TasksTest {
    @Test
    public void tasksHoldAtMostTheAskedPicturesInAMultipleOfTheParallelism() {
        assertEquals(4, ClassifyPictures.tasks(3226, 1000, 1)); // 807, 807, 806, 806 a task
        assertEquals(8, ClassifyPictures.tasks(6452, 1000, 2)); // 7 rounded up to 2 cores x 4
        assertEquals(4, ClassifyPictures.tasks(3226, 1000, 2)); // 4 needed, already 2 rounds of 2
        assertEquals(2, ClassifyPictures.tasks(10, 1000, 2)); // both cores, however few
        assertEquals(3, ClassifyPictures.tasks(3, 1000, 16)); // never an empty task
        assertEquals(1, ClassifyPictures.tasks(0, 1000, 4));
        assertEquals(Integer.MAX_VALUE, ClassifyPictures.tasks(Integer.MAX_VALUE, 1, 1));
    }

    @Test
    public void theDefaultGlobTakesThePictureExtensionsInAnyCase() throws Exception {
        GlobFilter filter = new GlobFilter(ClassifyPictures.picturesGlob());
        for (String name : new String[] {"a.jpg", "B.JPEG", "c.Png", "d.WebP", "e.tiff", "f.TIF", "g.gif", "h.bmp"}) {
            assertTrue(name, filter.accept(new Path("/x/" + name)));
        }
        for (String name : new String[] {"notes.txt", "a.jpg.txt", "a.ppm", "png"}) {
            assertFalse(name, filter.accept(new Path("/x/" + name)));
        }
    }
}
