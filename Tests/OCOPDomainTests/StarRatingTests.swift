import OCOPDomain
import Testing

@Suite struct StarRatingTests {
    @Test(arguments: [
        (0.0, 1), (29.9, 1), (30.0, 2), (49.5, 2), (50.0, 3), (69.0, 3), (70.0, 4), (89.9, 4), (90.0, 5), (100.0, 5),
    ])
    func scoresFallInTheirBands(score: Double, stars: Int) {
        #expect(StarRating.band(forScore: score)?.value == stars)
    }

    @Test func scoresOutsideZeroToHundredHaveNoBand() {
        #expect(StarRating.band(forScore: -1) == nil)
        #expect(StarRating.band(forScore: 100.5) == nil)
    }

    @Test func starsOutsideOneToFiveDoNotExist() {
        #expect(StarRating(0) == nil)
        #expect(StarRating(6) == nil)
        #expect(StarRating(3)?.value == 3)
    }

    @Test func aScoreMustAgreeWithItsStars() {
        let four = StarRating(4)!
        #expect(four.isConsistent(withScore: 75, potentialFiveStar: false))
        #expect(!four.isConsistent(withScore: 65, potentialFiveStar: false))
        #expect(!four.isConsistent(withScore: 92, potentialFiveStar: false))
        // A province-scored 90+ product awaiting the national decision is certified 4★.
        #expect(four.isConsistent(withScore: 92, potentialFiveStar: true))
        #expect(!StarRating(3)!.isConsistent(withScore: 92, potentialFiveStar: true))
    }
}
